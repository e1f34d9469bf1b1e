import type { StoredAccuracy } from '../storage/forecast.repository.js';
import { BASELINE_MODEL, FORECAST_MODEL } from './batch.js';

/** Accuracy per profile, Holt-Winters beside the seasonal-naive baseline. */
export function accuracyTable(rows: readonly StoredAccuracy[]): string {
  const lines = ['profile          model           points      RMSE       MAE      R²    MAPE %'];
  for (const row of rows) {
    lines.push(
      `${row.profile.padEnd(16)} ${row.model.padEnd(15)} ${String(row.points).padStart(6)} ${fmt(row.rmse)} ${fmt(row.mae)} ${row.r2.toFixed(3).padStart(7)} ${row.mape === null ? '      –' : row.mape.toFixed(2).padStart(8)}`,
    );
  }
  const byProfile = new Map<string, Map<string, StoredAccuracy>>();
  for (const row of rows) {
    if (!byProfile.has(row.profile)) byProfile.set(row.profile, new Map());
    byProfile.get(row.profile)?.set(row.model, row);
  }
  for (const [profile, models] of byProfile) {
    const model = models.get(FORECAST_MODEL);
    const baseline = models.get(BASELINE_MODEL);
    if (model && baseline && baseline.rmse > 0) {
      lines.push(
        `${profile}: Holt-Winters RMSE is ${((model.rmse / baseline.rmse) * 100).toFixed(1)} % of the seasonal-naive baseline's`,
      );
    }
  }
  return lines.join('\n');
}

function fmt(value: number): string {
  return (Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4)).padStart(9);
}
