import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';

/**
 * kafkajs' encoding is patched for speed (patches/kafkajs+2.2.4.patch: varints written in place, varlongs in
 * the 32-bit range without Long objects, the CRC-32C eight bytes a step). A broker refuses a batch whose
 * checksum is wrong, and misreads one whose varints are: each is held here to a plain reference of the
 * format, written from Kafka's protocol description rather than from kafkajs.
 */
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js') as {
  new (): KafkaEncoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: number | string): number;
};
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch(batch: object): Promise<KafkaEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
  record: object,
) => KafkaEncoder;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: object,
) => Promise<{ records: { offset: string; timestamp: string; value: Buffer }[] }>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => object;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(value: string): object };

interface KafkaEncoder {
  writeVarInt(value: number): KafkaEncoder;
  writeUVarInt(value: number): KafkaEncoder;
  writeVarLong(value: number | string): KafkaEncoder;
  writeInt32(value: number): KafkaEncoder;
  readonly buffer: Buffer;
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit. */
function referenceCrc32C(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Unsigned LEB128 of a non-negative BigInt: seven bits a byte, low first, the top bit set on all but the last. */
function leb128(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

/** Kafka's zigzag varint (32 bits) and varlong (64 bits): signed values folded onto unsigned ones. */
const zigzag = (value: bigint, bits: bigint) =>
  BigInt.asUintN(Number(bits), (value << 1n) ^ (value >> (bits - 1n)));

const VALUES = [0, 1, -1, 63, -64, 64, -65, 127, 128, 300, -300, 16_383, 16_384, 2 ** 31 - 1, -(2 ** 31)];
const LONG_VALUES = [...VALUES, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 1_764_590_400_000, 2 ** 53 - 1];

describe('kafkajs encoding, as patched', () => {
  it('checksums record batches with CRC-32C', () => {
    expect(crc32C(Buffer.from('123456789')).toString(16)).toBe('e3069283');
    const random = seededRandom(20261203);
    // Every length around the eight-byte steps, and batches of the sizes produce requests carry.
    for (const length of [...Array.from({ length: 40 }, (_, n) => n), 283, 4_096, 12_345]) {
      const bytes = Buffer.from(Array.from({ length }, () => Math.floor(random.next() * 256)));
      expect(crc32C(bytes)).toBe(referenceCrc32C(bytes));
    }
  });

  it('writes varints and varlongs as zigzag LEB128, and sizes them alike', () => {
    for (const value of VALUES) {
      const expected = leb128(zigzag(BigInt(value), 32n));
      expect([...new Encoder().writeVarInt(value).buffer]).toEqual(expected);
      expect(Encoder.sizeOfVarInt(value)).toBe(expected.length);
      const unsigned = Math.abs(value) >>> 0;
      expect([...new Encoder().writeUVarInt(unsigned).buffer]).toEqual(leb128(BigInt(unsigned)));
    }
    for (const value of [...LONG_VALUES, '-12345678901234']) {
      const expected = leb128(zigzag(BigInt(value), 64n));
      expect([...new Encoder().writeVarLong(value).buffer]).toEqual(expected);
      expect(Encoder.sizeOfVarLong(value)).toBe(expected.length);
    }
  });

  it('decodes each record’s offset and timestamp as the batch’s first ones plus the record’s deltas', async () => {
    // Numbers exact as doubles (the usual case, summed as numbers) and past 2^53 (kept as BigInt sums);
    // deltas of one byte, of several, and too long for a double's fast path.
    const batches = [
      { firstOffset: '0', firstTimestamp: 1_764_590_400_000n, deltas: [0, 1, -1, 999, 2 ** 31 - 1] },
      {
        firstOffset: '123456789012',
        firstTimestamp: 1_764_590_400_000n,
        deltas: [-(2 ** 40), 2 ** 47, 2 ** 50],
      },
      { firstOffset: '9007199254740993', firstTimestamp: 9_007_199_254_740_993n, deltas: [0, 7, -(2 ** 50)] },
      // A delta no double holds exactly (2^53 + 1), on a first timestamp that one does.
      {
        firstOffset: '5',
        firstTimestamp: 1_764_590_400_000n,
        deltas: [3, '9007199254740993', '-9007199254740995'],
      },
    ] as { firstOffset: string; firstTimestamp: bigint; deltas: (number | string)[] }[];
    for (const { firstOffset, firstTimestamp, deltas } of batches) {
      const records = deltas.map((delta, i) =>
        Record({ offsetDelta: i, timestampDelta: delta, key: null, value: Buffer.from(`r${i}`) }),
      );
      const batch = await RecordBatch({
        firstOffset: Long.fromValue(firstOffset),
        firstTimestamp: firstTimestamp.toString(),
        maxTimestamp: 0,
        lastOffsetDelta: deltas.length - 1,
        records,
      });
      const { records: decoded } = await decodeBatch(new Decoder(batch.buffer));
      expect(decoded.map((r) => [r.offset, r.timestamp, r.value.toString()])).toEqual(
        deltas.map((delta, i) => [
          (BigInt(firstOffset) + BigInt(i)).toString(),
          (firstTimestamp + BigInt(delta)).toString(),
          `r${i}`,
        ]),
      );
    }
  });

  it('appends a varint after what the encoder holds, growing it when full', () => {
    const encoder = new Encoder();
    for (let i = 0; i < 200; i++) encoder.writeInt32(i).writeVarInt(-(2 ** 31));
    const bytes = encoder.buffer;
    expect(bytes.length).toBe(200 * 9);
    expect([...bytes.subarray(4, 9)]).toEqual(leb128(zigzag(-(2n ** 31n), 32n)));
    expect(bytes.readInt32BE(199 * 9)).toBe(199);
  });
});
