/** Point-forecast accuracy over (forecast, actual) pairs: what the forecasting report and metrics show. */
export interface Accuracy {
  readonly rmse: number;
  readonly mae: number;
  /** 1 − SS_res / SS_tot around the actuals' mean; 1 is perfect, 0 no better than the mean, negative worse. */
  readonly r2: number;
  /** Mean absolute percentage error (%), over actuals not near zero; null when there are none. */
  readonly mape: number | null;
  readonly points: number;
}

/** Actuals this close to zero are left out of MAPE, which is undefined at zero (solar at night). */
const MAPE_FLOOR = 1e-6;

export function accuracyOf(pairs: readonly { forecast: number; actual: number }[]): Accuracy | undefined {
  if (pairs.length === 0) return undefined;
  let squared = 0;
  let absolute = 0;
  let percent = 0;
  let percentPoints = 0;
  let mean = 0;
  for (const { actual } of pairs) mean += actual / pairs.length;
  let total = 0;
  for (const { forecast, actual } of pairs) {
    const error = actual - forecast;
    squared += error * error;
    absolute += Math.abs(error);
    total += (actual - mean) ** 2;
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
