import { createRequire } from 'node:module';
import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';

/**
 * cassandra-driver's frame writer is patched (patches/cassandra-driver+4.10.0.patch) to copy small writes
 * into chunks instead of making a Buffer for each. Cassandra closes the connection on a frame it cannot
 * parse, and may store wrong values from one it misparses: each frame is held here, byte for byte, to
 * the native protocol's encodings (https://cassandra.apache.org/doc/latest/cassandra/_attachments/native_protocol_v4.html,
 * section 3), written out plainly.
 */
const require = createRequire(import.meta.url);
const { FrameWriter } = require('cassandra-driver/lib/writers.js') as {
  FrameWriter: new (opcode: number) => DriverFrameWriter;
};

interface DriverFrameWriter {
  writeByte(value: number): void;
  writeShort(value: number): void;
  writeInt(value: number): void;
  writeLong(value: types.Long): void;
  writeBytes(value: Buffer | null): void;
  writeShortBytes(value: Buffer): void;
  writeString(value: string): void;
  writeLString(value: string): void;
  readonly bodyLength: number;
  write(version: number, streamId: number, flags?: number): Buffer;
}

/** The BATCH request's opcode (protocol section 4.1.7). */
const BATCH = 0x0d;

/** One write, applied to the driver's writer and to the plain encoding it must equal. */
interface Write {
  apply(writer: DriverFrameWriter): void;
  readonly bytes: Buffer;
}

const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};
const uint16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
};

function randomWrite(random: () => number): Write {
  const size = (max: number) => Math.floor(random() * max);
  const blob = (length: number) => Buffer.from(Array.from({ length }, () => size(256)));
  const text = (length: number) => Array.from({ length }, () => 'aé€𝄞'[size(4)]).join('');
  switch (size(8)) {
    case 0: {
      const value = size(256);
      return { apply: (w) => w.writeByte(value), bytes: Buffer.from([value]) };
    }
    case 1: {
      const value = size(65_536);
      return { apply: (w) => w.writeShort(value), bytes: uint16(value) };
    }
    case 2: {
      const value = size(2 ** 32) - 2 ** 31;
      return { apply: (w) => w.writeInt(value), bytes: int32(value) };
    }
    case 3: {
      const value = types.Long.fromNumber(size(2 ** 52) - 2 ** 51);
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64BE(BigInt(value.toString()));
      return { apply: (w) => w.writeLong(value), bytes };
    }
    case 4: {
      // Values on both sides of the size the patch copies into its chunks (256), and null.
      const value = random() < 0.1 ? null : blob(random() < 0.8 ? size(300) : size(5_000));
      const bytes = value === null ? int32(-1) : Buffer.concat([int32(value.length), value]);
      return { apply: (w) => w.writeBytes(value), bytes };
    }
    case 5: {
      const value = blob(size(40));
      return { apply: (w) => w.writeShortBytes(value), bytes: Buffer.concat([uint16(value.length), value]) };
    }
    case 6: {
      const value = text(size(30));
      const utf8 = Buffer.from(value, 'utf8');
      return { apply: (w) => w.writeString(value), bytes: Buffer.concat([uint16(utf8.length), utf8]) };
    }
    default: {
      const value = text(random() < 0.9 ? size(100) : size(1_500));
      const utf8 = Buffer.from(value, 'utf8');
      return { apply: (w) => w.writeLString(value), bytes: Buffer.concat([int32(utf8.length), utf8]) };
    }
  }
}

describe('cassandra-driver frames, as patched', () => {
  it('are the protocol encoding of their writes, in order, after the frame header', () => {
    const random = seededRandom(20261203);
    const next = () => random.next();
    for (let frame = 0; frame < 300; frame++) {
      const writes = Array.from({ length: Math.floor(next() * 120) + 1 }, () => randomWrite(next));
      const writer = new FrameWriter(BATCH);
      for (const write of writes) write.apply(writer);
      const body = Buffer.concat(writes.map((w) => w.bytes));
      expect(writer.bodyLength).toBe(body.length);

      const bytes = writer.write(4, 17);
      // v4 header: version, flags, stream id (16 bits), opcode, body length (32 bits).
      expect([...bytes.subarray(0, 5)]).toEqual([4, 0, 0, 17, BATCH]);
      expect(bytes.readInt32BE(5)).toBe(body.length);
      expect(bytes.subarray(9).equals(body)).toBe(true);
    }
  });
});
