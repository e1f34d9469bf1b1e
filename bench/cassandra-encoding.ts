/**
 * `npx tsx bench/cassandra-encoding.ts`: the client CPU of cassandra-driver's side of a batch write, in µs
 * per row: finding the prepared statement of each row (the detector's reading insert, about 300
 * characters, in its keyspace) and encoding an unlogged batch of 25 such rows into a protocol v4 frame,
 * as the detector's repository sends them. Process CPU, not wall time: the collector's helper threads free
 * what the encoding allocates. To compare a change to cassandra-driver
 * (patches/cassandra-driver+4.10.0.patch), run it before and after in turns. Prints figures; asserts nothing.
 */
import { createRequire } from 'node:module';
import { types } from 'cassandra-driver';
import { INSERT_READING } from '../storage/reading.repository.js';

const require = createRequire(import.meta.url);
const Metadata = require('cassandra-driver/lib/metadata/index.js') as new (
  options: object,
  controlConnection: object,
) => { getPreparedInfo(keyspace: string, query: string): { queryId?: Buffer } };
const { BatchRequest } = require('cassandra-driver/lib/requests.js') as {
  BatchRequest: new (
    queries: object[],
    options: object,
  ) => { write(encoder: object, streamId: number): Buffer };
};
const Encoder = require('cassandra-driver/lib/encoder.js') as new (
  version: number,
  options: object,
) => object;

const ROUNDS = 7;
const BATCHES = 4_000;
const ROWS = 25;
const KEYSPACE = 'sensorwatch';
/** The detector's own reading insert, as its repository prepares it. */
const QUERY = INSERT_READING;

// The row's columns as the reading table declares them (type codes of the native protocol).
const { dataTypes } = types;
const columnTypes = [
  dataTypes.text,
  dataTypes.date,
  dataTypes.timestamp,
  dataTypes.bigint,
  dataTypes.uuid,
  dataTypes.text,
  dataTypes.text, // the sensor values, as the repository writes them
  dataTypes.text,
  dataTypes.boolean,
  dataTypes.text,
  dataTypes.double,
  dataTypes.text,
  dataTypes.text,
  dataTypes.text,
  dataTypes.timestamp,
].map((code) => ({ type: { code, info: null } }));
const meta = { columns: columnTypes };

const metadata = new Metadata({ maxPrepared: 500, logEmitter: () => {} }, {});
const prepared = metadata.getPreparedInfo(KEYSPACE, QUERY);
prepared.queryId = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

const params = (i: number) => [
  `factory-native-1-s${String(i % 1000).padStart(3, '0')}`,
  types.LocalDate.fromDate(new Date(Date.UTC(2026, 11, 1))),
  new Date(Date.UTC(2026, 11, 1, 12) + i * 1000),
  types.Long.fromNumber(12_345 + i),
  types.Uuid.fromString('0f8a1c2e-1b2c-4d5e-8f90-123456789abc'),
  'factory',
  '{"temperature":71.234,"vibration":0.4123,"pressure":101.33,"humidity":44.1,"power":12.55}',
  null,
  false,
  'none',
  0.42,
  'normal: highest score 0.42',
  'sensorwatch-detector 0.1.0',
  null,
  new Date(Date.UTC(2026, 11, 1, 12, 0, 1)),
];
const options = {
  getOrGenerateTimestamp: () => null,
  getHints: () => null,
  isBatchCounter: () => false,
  isBatchLogged: () => false,
  isQueryTracing: () => false,
  getCustomPayload: () => undefined,
  getConsistency: () => types.consistencies.localQuorum,
  getSerialConsistency: () => undefined,
  getKeyspace: () => undefined,
};
const encoder = new Encoder(types.protocolVersion.v4, { encoding: {} });
const batches = Array.from({ length: 16 }, (_, b) =>
  Array.from({ length: ROWS }, (_, r) => ({ query: QUERY, params: params(b * ROWS + r) })),
);

let bytes = 0;
const perRow: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = process.cpuUsage();
  for (let i = 0; i < BATCHES; i++) {
    const rows = batches[i % batches.length] as { query: string; params: unknown[] }[];
    // What the driver does for each row of a batch before encoding it (getPreparedMultiple).
    const queries = rows.map((row) => {
      const info = metadata.getPreparedInfo(KEYSPACE, row.query);
      return { query: row.query, params: row.params, queryId: info.queryId, meta };
    });
    bytes += new BatchRequest(queries, options).write(encoder, i % 128).length;
  }
  const used = process.cpuUsage(started);
  perRow.push((used.user + used.system) / (BATCHES * ROWS));
}
// The first round warms the JIT: the median of the others.
const median = perRow.slice(1).sort((a, b) => a - b)[Math.floor((ROUNDS - 1) / 2)] as number;
console.log(
  `cassandra-driver batch encoding: ${median.toFixed(2)} µs of CPU per row (median of ${ROUNDS - 1} rounds of ` +
    `${BATCHES * ROWS} rows, ${(bytes / (BATCHES * ROWS * ROUNDS)).toFixed(0)} bytes each in frames of ${ROWS})`,
);
