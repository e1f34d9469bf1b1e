/**
 * Cells the detector writes with every row, encoded here rather than by the driver. The driver passes a
 * Buffer through as the cell's bytes, so what is encoded once is not encoded again for every row: a text
 * that repeats (a station id, a profile, the detector's version), and the readings' `map<text, double>`,
 * for which the driver makes four small buffers per sensor and joins them (4 % of the detector's CPU with
 * its text columns). The bytes are those of the native protocol, v3 and later, as the driver's Encoder
 * makes them (storage/cql-cells.test.ts compares the two).
 */

/** Texts remembered; a fleet's station ids and a detector's versions fit many times over. */
const REMEMBERED_TEXTS = 100_000;

/** UTF-8 bytes of texts that repeat from row to row, each encoded once. */
export class TextCells {
  private readonly cells = new Map<string, Buffer>();

  of(text: string): Buffer {
    let cell = this.cells.get(text);
    if (cell === undefined) {
      if (this.cells.size >= REMEMBERED_TEXTS) this.cells.clear();
      cell = Buffer.from(text, 'utf8');
      this.cells.set(text, cell);
    }
    return cell;
  }
}

/**
 * A `map<text, double>` cell of the values present (Cassandra collections cannot hold null: a missing
 * value, a dropout, is an absent key): the entry count, then each key and value, each after its length.
 */
export function textDoubleMapCell(values: Readonly<Record<string, number | null>>, keys: TextCells): Buffer {
  let entries = 0;
  let bytes = 4;
  for (const key in values) {
    if (values[key] === null) continue;
    entries += 1;
    bytes += 4 + keys.of(key).length + 4 + 8;
  }
  const cell = Buffer.allocUnsafe(bytes);
  let at = cell.writeInt32BE(entries, 0);
  for (const key in values) {
    const value = values[key];
    if (value === null || value === undefined) continue;
    const keyBytes = keys.of(key);
    at = cell.writeInt32BE(keyBytes.length, at);
    at += keyBytes.copy(cell, at);
    at = cell.writeInt32BE(8, at);
    at = cell.writeDoubleBE(value, at);
  }
  return cell;
}
