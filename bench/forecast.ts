/**
 * `npm run bench:forecast`: the forecaster's accuracy on simulated history, side by side with the
 * seasonal-naive baseline. For every profile, simulated stations (seeded, with the producer's default
 * anomaly rate) report every minute for 17 days; each sensor's hourly means are rolled up as the batch
 * job does, and at each of the last three midnights a Holt-Winters model is fitted to the 14 days before
 * it and forecasts the next 24 hours. Prints RMSE, MAE, R² and MAPE per profile and model, and writes
 * bench/out/forecast.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileNames } from '../common/reading/profiles.js';
import { AccuracyBook, BASELINE_MODEL, FORECAST_MODEL } from '../forecasting/batch.js';
import { fitHoltWinters, forecastHoltWinters, seasonalNaive } from '../forecasting/holt-winters.js';
import { accuracyTable } from '../forecasting/report.js';
import { RollupAccumulator } from '../forecasting/rollup.js';
import { SimulatedStation } from '../simulation/station.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STATIONS = 4;
const DAYS = 17;
const TRAIN_DAYS = 14;
const ORIGINS = 3;
const ORIGIN = Date.UTC(2026, 0, 5);

const book = new AccuracyBook();
const started = performance.now();
for (const profile of profileNames()) {
  for (let s = 0; s < STATIONS; s++) {
    const station = new SimulatedStation({
      stationId: `${profile}-bench-s${s}`,
      profile,
      anomalyRate: 0.01,
      originTs: ORIGIN,
    });
    const rollups = new RollupAccumulator();
    for (let ts = ORIGIN; ts < ORIGIN + DAYS * DAY; ts += 60_000) {
      const reading = station.readingAt(ts);
      rollups.add(ts, reading.values, reading.label !== null);
    }
    const hourly = new Map<string, number[]>();
    for (const r of rollups.rollups()) {
      if (r.resolution !== 'hour') continue;
      const series = hourly.get(r.sensor) ?? new Array<number>(DAYS * 24).fill(Number.NaN);
      series[(r.bucket - ORIGIN) / HOUR] = r.mean;
      hourly.set(r.sensor, series);
    }
    for (const [sensor, series] of hourly) {
      const name = `${station.stationId}/${sensor}`;
      for (let o = 0; o < ORIGINS; o++) {
        const end = (DAYS - ORIGINS + o) * 24;
        const train = series.slice(end - TRAIN_DAYS * 24, end);
        const actual = series.slice(end, end + 24);
        if (train.some(Number.isNaN) || actual.some(Number.isNaN)) continue;
        const forecast = forecastHoltWinters(fitHoltWinters(train, 24), 24);
        const naive = seasonalNaive(train, 24, 24);
        actual.forEach((value, h) => {
          book.add(profile, FORECAST_MODEL, (forecast[h] as { predicted: number }).predicted, value, name);
          book.add(profile, BASELINE_MODEL, naive[h] as number, value, name);
        });
      }
    }
  }
}
const results = book.results(Date.now());
console.log(
  `Forecast accuracy on simulated history: ${STATIONS} stations per profile, every sensor, ${ORIGINS} day-ahead forecasts each (trained on ${TRAIN_DAYS} days of hourly means), ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
console.log(accuracyTable(results));
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out', 'forecast.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ byProfile: Object.fromEntries(profileNames().map((p) => [p, Object.fromEntries(results.filter((r) => r.profile === p).map((r) => [r.model, { rmse: r.rmse, mae: r.mae, r2: r.r2, mape: r.mape, points: r.points }]))])) }, null, 2)}\n`,
);
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
