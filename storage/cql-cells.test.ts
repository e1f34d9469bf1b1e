import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { TextCells, textDoubleMapCell } from './cql-cells.js';

const { dataTypes } = cassandra.types;
/** The driver's own encoder: exported by the package, though its typings leave it out. */
interface DriverEncoder {
  encode(value: unknown, type: unknown): Buffer;
  decode(bytes: Buffer, type: unknown): unknown;
}
const { Encoder } = cassandra as unknown as {
  Encoder: new (version: number, options: object) => DriverEncoder;
};
// At the protocol version the stack's Cassandra speaks.
const driver = new Encoder(5, {});
const MAP_OF_TEXT_TO_DOUBLE = {
  code: dataTypes.map,
  info: [{ code: dataTypes.text }, { code: dataTypes.double }],
};

describe('CQL cells', () => {
  it('when texts are encoded, then the bytes are the driver’s, and a repeated text is encoded once', () => {
    const cells = new TextCells();
    for (const text of ['factory-0042', 'énergie ⚡ 中文', '', '0.4.0+stats(w=4)']) {
      expect(cells.of(text).equals(driver.encode(text, dataTypes.text))).toBe(true);
    }
    expect(cells.of('factory-0042')).toBe(cells.of('factory-0042'));
  });

  it('when a reading’s values are encoded as a map, then the bytes are the driver’s, dropouts left out', () => {
    const cells = new TextCells();
    const values = { temperature: 21.5, vibration: -0.000_123, pressure: null, 'débit ²': 1e300, zero: 0 };
    const present = { temperature: 21.5, vibration: -0.000_123, 'débit ²': 1e300, zero: 0 };
    const ours = textDoubleMapCell(values, cells);
    expect(ours.equals(driver.encode(present, MAP_OF_TEXT_TO_DOUBLE))).toBe(true);
    // Decoded back by the driver: the same values.
    expect(driver.decode(ours, MAP_OF_TEXT_TO_DOUBLE)).toEqual(present);
    expect(textDoubleMapCell({ a: null }, cells).equals(driver.encode({}, MAP_OF_TEXT_TO_DOUBLE))).toBe(true);
  });
});
