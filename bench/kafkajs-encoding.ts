/**
 * `npx tsx bench/kafkajs-encoding.ts`: the client CPU of kafkajs' produce request encoding alone, in µs per
 * record: 12 partitions of 40 readings each (about 280 bytes a record encoded, keyed by station), as the
 * producers' and the detector's sends make them; then the decoding of such a batch of 40, as a consumer's
 * fetch does it. Process CPU, not wall time: the collector's helper threads free what the encoders
 * allocate. To compare a change to kafkajs (patches/kafkajs+2.2.4.patch), run it before and after in
 * turns. Prints figures; asserts nothing.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: object) => {
  encode(): Promise<{ buffer: Buffer }>;
};
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch(batch: object): Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => object;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: object,
) => Promise<{ records: unknown[] }>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => object;

const ROUNDS = 7;
const REQUESTS = 1_500;
const value = Buffer.from(
  JSON.stringify({
    stationId: 'factory-native-1-s001',
    profile: 'factory',
    ts: '2026-12-01T12:00:00.000Z',
    seq: 12_345,
    readingId: '0f8a1c2e-1b2c-4d5e-8f90-123456789abc',
    values: { temperature: 71.234, vibration: 0.4123, pressure: 101.33, humidity: 44.1, power: 12.55 },
  }),
);
const key = Buffer.from('factory-native-1-s001');
const partitions = Array.from({ length: 12 }, (_, partition) => ({
  partition,
  firstSequence: 0,
  messages: Array.from({ length: 40 }, (_, i) => ({ key, value, timestamp: 1_764_590_400_000 + i })),
}));
const topicData = [{ topic: 'sensor.readings', partitions }];
const records = REQUESTS * 12 * 40;

let bytes = 0;
const perRecord: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    bytes += (await produceRequest({ acks: -1, timeout: 30_000, topicData }).encode()).buffer.length;
  }
  const used = process.cpuUsage(started);
  perRecord.push((used.user + used.system) / records);
}
// The first round warms the JIT: the median of the others.
const median = (xs: number[]) => xs.slice(1).sort((a, b) => a - b)[Math.floor((ROUNDS - 1) / 2)] as number;
console.log(
  `kafkajs produce request encoding: ${median(perRecord).toFixed(2)} µs of CPU per record (median of ${ROUNDS - 1} ` +
    `rounds of ${records} records, ${(bytes / records / ROUNDS).toFixed(0)} bytes each encoded)`,
);

// One partition's batch as a fetch returns it: 40 records a millisecond apart, offsets from 1 234 567.
const batch = (
  await RecordBatch({
    firstOffset: 1_234_567,
    firstTimestamp: 1_764_590_400_000,
    maxTimestamp: 1_764_590_400_039,
    lastOffsetDelta: 39,
    records: Array.from({ length: 40 }, (_, i) => Record({ offsetDelta: i, timestampDelta: i, key, value })),
  })
).buffer;
const BATCHES = 20_000;
const decodedPerRecord: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = process.cpuUsage();
  for (let i = 0; i < BATCHES; i++) await decodeBatch(new Decoder(batch));
  const used = process.cpuUsage(started);
  decodedPerRecord.push((used.user + used.system) / (BATCHES * 40));
}
console.log(
  `kafkajs record batch decoding: ${median(decodedPerRecord).toFixed(2)} µs of CPU per record (median of ` +
    `${ROUNDS - 1} rounds of ${BATCHES * 40} records)`,
);
