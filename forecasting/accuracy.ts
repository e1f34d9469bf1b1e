import type { Accuracy } from '../storage/forecast.repository.js';

/** Actuals this close to zero are left out of MAPE, which is undefined at zero (solar at night). */
const MAPE_FLOOR = 1e-6;

export interface ForecastPair {
  readonly forecast: number;
  readonly actual: number;
  /** Which series (station and sensor) the pair belongs to; one series when absent. */
  readonly series?: string;
}

export function accuracyOf(pairs: readonly ForecastPair[]): Accuracy | undefined {
  if (pairs.length === 0) return undefined;
  let squared = 0;
  let absolute = 0;
  let percent = 0;
  let percentPoints = 0;
  const sums = new Map<string, { sum: number; count: number }>();
  for (const { actual, series = '' } of pairs) {
    const group = sums.get(series) ?? { sum: 0, count: 0 };
    group.sum += actual;
    group.count += 1;
    sums.set(series, group);
  }
  let total = 0;
  for (const { forecast, actual, series = '' } of pairs) {
    const error = actual - forecast;
    const group = sums.get(series) as { sum: number; count: number };
    squared += error * error;
    absolute += Math.abs(error);
    total += (actual - group.sum / group.count) ** 2;
    if (Math.abs(actual) > MAPE_FLOOR) {
      percent += Math.abs(error / actual);
      percentPoints += 1;
    }
  }
  return {
    rmse: Math.sqrt(squared / pairs.length),
    mae: absolute / pairs.length,
    r2: total > 0 ? 1 - squared / total : squared === 0 ? 1 : 0,
    mape: percentPoints > 0 ? (100 * percent) / percentPoints : null,
    points: pairs.length,
  };
}
