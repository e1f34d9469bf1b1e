/** Point-forecast accuracy over (forecast, actual) pairs: what the forecasting report and metrics show. */
export interface Accuracy {
  readonly rmse: number;
  readonly mae: number;
  /**
   * 1 − SS_res / SS_tot, SS_tot around each series' own mean (pairs carry their series), so sensors of
   * different scales pooled in one profile do not inflate it; 1 is perfect, 0 no better than each series'
   * mean, negative worse.
   */
  readonly r2: number;
  /** Mean absolute percentage error (%), over actuals not near zero; null when there are none. */
  readonly mape: number | null;
  readonly points: number;
}

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
