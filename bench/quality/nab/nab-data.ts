import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { requireFinite } from '../../../common/numbers/finite.js';

/** One NAB series, in file order (never sorted: repeated and out-of-order timestamps are real). */
export interface NabSeries {
  /** `<category>/<file>.csv`, as the labels file names it. */
  readonly name: string;
  readonly timestamps: readonly string[];
  readonly values: readonly number[];
  /** Anomaly windows as inclusive row-index ranges. */
  readonly windows: readonly (readonly [number, number])[];
}

/** Reads `timestamp,value` rows; a malformed row is an error naming the file and line. */
export function parseNabCsv(text: string, source: string): { timestamps: string[]; values: number[] } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const timestamps: string[] = [];
  const values: number[] = [];
  lines.slice(1).forEach((line, index) => {
    const [timestamp, value] = line.split(',');
    const number = Number(value);
    if (!timestamp || value === undefined || !Number.isFinite(number)) {
      throw new Error(`${source}:${index + 2}: expected timestamp,value; got "${line}"`);
    }
    timestamps.push(timestamp.trim());
    values.push(number);
  });
  return { timestamps, values };
}

/** NAB timestamps: the CSV has `YYYY-MM-DD HH:MM:SS`, the labels add `.000000`. Compared to the second. */
function toSecond(timestamp: string): string {
  return timestamp.trim().slice(0, 19);
}

/** Maps each [start, end] window to the first rows with those timestamps. */
export function windowRows(
  timestamps: readonly string[],
  windows: readonly (readonly [string, string])[],
  source: string,
): [number, number][] {
  const firstRow = new Map<string, number>();
  timestamps.forEach((ts, i) => {
    const key = toSecond(ts);
    if (!firstRow.has(key)) firstRow.set(key, i);
  });
  return windows.map(([start, end]) => {
    const from = firstRow.get(toSecond(start));
    const to = firstRow.get(toSecond(end));
    if (from === undefined || to === undefined) {
      throw new Error(`${source}: window [${start}, ${end}] does not match rows of the file`);
    }
    return [from, to];
  });
}

/** Every series of a NAB data folder (`<category>/<file>.csv`) that the labels file lists. */
export function loadNabCorpus(dataDir: string, labelsFile: string): NabSeries[] {
  const labels = JSON.parse(readFileSync(labelsFile, 'utf8')) as Record<string, [string, string][]>;
  const series: NabSeries[] = [];
  for (const category of readdirSync(dataDir, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const file of readdirSync(path.join(dataDir, category.name)).sort()) {
      if (!file.endsWith('.csv')) continue;
      const name = `${category.name}/${file}`;
      const windows = labels[name];
      if (windows === undefined) continue;
      const { timestamps, values } = parseNabCsv(readFileSync(path.join(dataDir, name), 'utf8'), name);
      series.push({ name, timestamps, values, windows: windowRows(timestamps, windows, name) });
    }
  }
  return series.sort((a, b) => a.name.localeCompare(b.name));
}

/** A detector's per-row scores in NAB's results layout (`timestamp,anomaly_score,...`). */
export function readResultScores(file: string): number[] {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const column = header.indexOf('anomaly_score');
  if (column < 0) throw new Error(`${file}: no anomaly_score column`);
  return lines.slice(1).map((line, index) => {
    const text = line.split(',')[column]?.trim() ?? '';
    return requireFinite(
      text === '' ? Number.NaN : Number(text),
      () => `${file}:${index + 2}: anomaly_score "${text}"`,
    );
  });
}
