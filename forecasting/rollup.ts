import { BUCKET_MS, type Resolution, type Rollup } from '../storage/forecast.repository.js';

interface Accumulator {
  count: number;
  sum: number;
  sumSquares: number;
  min: number;
  max: number;
  anomalies: number;
}

/**
 * Hourly and daily statistics per sensor, accumulated one reading at a time so a station's history is
 * streamed through, never held. A missing value (dropout) counts in no bucket's statistics.
 */
export class RollupAccumulator {
  private readonly buckets = new Map<string, Accumulator>();

  add(ts: number, values: Readonly<Record<string, number | null | undefined>>, isAnomaly: boolean): void {
    for (const [sensor, value] of Object.entries(values)) {
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      for (const resolution of ['hour', 'day'] as const) {
        const bucket = Math.floor(ts / BUCKET_MS[resolution]) * BUCKET_MS[resolution];
        const key = `${sensor}\u0000${resolution}\u0000${bucket}`;
        let acc = this.buckets.get(key);
        if (!acc) {
          acc = { count: 0, sum: 0, sumSquares: 0, min: value, max: value, anomalies: 0 };
          this.buckets.set(key, acc);
        }
        acc.count += 1;
        acc.sum += value;
        acc.sumSquares += value * value;
        if (value < acc.min) acc.min = value;
        if (value > acc.max) acc.max = value;
        if (isAnomaly) acc.anomalies += 1;
      }
    }
  }

  rollups(): Rollup[] {
    return [...this.buckets].map(([key, acc]) => {
      const [sensor, resolution, bucket] = key.split('\u0000') as [string, Resolution, string];
      const mean = acc.sum / acc.count;
      return {
        sensor,
        resolution,
        bucket: Number(bucket),
        count: acc.count,
        mean,
        min: acc.min,
        max: acc.max,
        stddev: Math.sqrt(Math.max(0, acc.sumSquares / acc.count - mean * mean)),
        anomalies: acc.anomalies,
      };
    });
  }
}

/**
 * An hourly series from rollups over [from, to): one mean per hour, a missing hour filled with the value
 * one day earlier (or the previous hour's) so the seasonal model keeps its phase. Undefined if no hour has data.
 */
export function hourlySeries(
  hourly: ReadonlyMap<number, number>,
  from: number,
  to: number,
): { start: number; values: number[]; filled: number } | undefined {
  const first = Math.ceil(from / BUCKET_MS.hour) * BUCKET_MS.hour;
  const hours: number[] = [];
  for (let hour = first; hour < to; hour += BUCKET_MS.hour) hours.push(hour);
  const firstWithData = hours.findIndex((h) => hourly.has(h));
  if (firstWithData < 0) return undefined;
  const values: number[] = [];
  let filled = 0;
  for (const hour of hours.slice(firstWithData)) {
    const value = hourly.get(hour);
    if (value !== undefined) {
      values.push(value);
      continue;
    }
    filled += 1;
    values.push((values.length >= 24 ? values[values.length - 24] : values[values.length - 1]) as number);
  }
  return { start: hours[firstWithData] as number, values, filled };
}
