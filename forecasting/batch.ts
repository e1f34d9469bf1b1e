import type { Client } from 'cassandra-driver';
import {
  type Accuracy,
  BUCKET_MS,
  type ForecastRepository,
  type StoredAccuracy,
  type StoredForecast,
} from '../storage/forecast.repository.js';
import { forEachStoredReading, type StationRef } from '../storage/station-history.js';
import { accuracyOf, type ForecastPair } from './accuracy.js';
import { fitHoltWinters, forecastHoltWinters, seasonalNaive } from './holt-winters.js';
import { hourlySeries, RollupAccumulator } from './rollup.js';

export const FORECAST_MODEL = 'holt_winters';
export const BASELINE_MODEL = 'seasonal_naive';
const HOUR_MS = BUCKET_MS.hour;
const DAY_MS = BUCKET_MS.day;
/** Hours of a day: the seasonal period of the hourly series. */
const PERIOD = 24;

export interface BatchOptions {
  /** The batch's "now": history up to here counts; forecasts start at its hour. */
  readonly until: number;
  /** Days of readings rolled up (from the start of the UTC day that many days back). */
  readonly rollupDays: number;
  /** Days of hourly means each forecaster is trained on. */
  readonly trainDays: number;
  /** Hours forecast ahead. */
  readonly horizonHours: number;
  /** Days of past forecasts scored against the actuals. */
  readonly evaluateDays: number;
  /** Width of the prediction interval in standard deviations (1.96: 95 %). */
  readonly intervalZ: number;
}

export const DEFAULT_BATCH_OPTIONS: Omit<BatchOptions, 'until'> = {
  rollupDays: 2,
  trainDays: 14,
  horizonHours: 24,
  evaluateDays: 7,
  intervalZ: 1.96,
};

export interface StationOutcome {
  readonly readings: number;
  readonly rollups: number;
  readonly forecasts: number;
  readonly sensors: number;
}

/** Forecast-vs-actual pairs per profile and model, gathered over stations and turned into accuracy. */
export class AccuracyBook {
  private readonly pairs = new Map<string, ForecastPair[]>();

  /** `series` names the station and sensor, so R² measures each series against its own mean. */
  add(profile: string, model: string, forecast: number, actual: number, series?: string): void {
    const key = `${profile}\u0000${model}`;
    let list = this.pairs.get(key);
    if (!list) {
      list = [];
      this.pairs.set(key, list);
    }
    list.push(series === undefined ? { forecast, actual } : { forecast, actual, series });
  }

  results(evaluatedAt: number): StoredAccuracy[] {
    const rows: StoredAccuracy[] = [];
    for (const [key, pairs] of this.pairs) {
      const [profile, model] = key.split('\u0000') as [string, string];
      const accuracy = accuracyOf(pairs) as Accuracy;
      rows.push({ profile, model, ...accuracy, evaluatedAt });
    }
    return rows.sort((a, b) => a.profile.localeCompare(b.profile) || a.model.localeCompare(b.model));
  }
}

/**
 * One station's share of the batch job: roll its recent readings up into hourly and daily statistics,
 * score the forecasts made earlier against the hours that have now been rolled up, then train a
 * Holt-Winters forecaster per sensor on its hourly means and store the next hours' forecasts (with the
 * seasonal-naive baseline beside each, so accuracy can be compared with it).
 */
export async function runStationBatch(
  client: Client,
  repository: ForecastRepository,
  station: StationRef,
  options: BatchOptions,
  book: AccuracyBook,
): Promise<StationOutcome> {
  const currentHour = Math.floor(options.until / HOUR_MS) * HOUR_MS;
  const rollupFrom = Math.floor(options.until / DAY_MS) * DAY_MS - (options.rollupDays - 1) * DAY_MS;
  const accumulator = new RollupAccumulator();
  const readings = await forEachStoredReading(
    client,
    station.stationId,
    rollupFrom,
    options.until,
    (ts, values, anomalous) => accumulator.add(ts, values, anomalous),
  );
  const rollups = accumulator.rollups();
  await repository.saveRollups(station.stationId, rollups);

  const trainFrom = currentHour - options.trainDays * DAY_MS;
  const evaluateFrom = currentHour - options.evaluateDays * DAY_MS;
  const sensors = new Set(rollups.map((r) => r.sensor));
  const forecasts: StoredForecast[] = [];
  for (const sensor of sensors) {
    const hourly = await repository.rollupsOf(
      station.stationId,
      sensor,
      'hour',
      Math.min(trainFrom, evaluateFrom),
      currentHour,
    );
    const means = new Map(hourly.map((r) => [r.bucket, r.mean]));

    for (const past of await repository.forecastsOf(station.stationId, sensor, evaluateFrom, currentHour)) {
      const actual = means.get(past.hour);
      if (actual === undefined) continue;
      const series = `${station.stationId}/${sensor}`;
      book.add(station.profile, FORECAST_MODEL, past.predicted, actual, series);
      if (past.baseline !== null) book.add(station.profile, BASELINE_MODEL, past.baseline, actual, series);
    }

    const series = hourlySeries(means, trainFrom, currentHour);
    // Six hours is the least that gives a level and a spread; seasonality needs two whole days.
    if (!series || series.values.length < 6) continue;
    // The series may end before the current hour (a silent station): forecast from where it ends.
    const seriesEnd = series.start + series.values.length * HOUR_MS;
    const skip = Math.round((currentHour - seriesEnd) / HOUR_MS);
    const horizon = skip + options.horizonHours;
    const model = fitHoltWinters(series.values, PERIOD);
    const steps = forecastHoltWinters(model, horizon, options.intervalZ);
    const baseline =
      series.values.length >= PERIOD ? seasonalNaive(series.values, PERIOD, horizon) : undefined;
    const inTraining = hourly.filter((r) => r.bucket >= trainFrom && r.count > 1);
    const readingSigma = Math.sqrt(
      inTraining.reduce((sum, r) => sum + r.stddev ** 2, 0) / Math.max(1, inTraining.length),
    );
    for (let h = skip; h < horizon; h++) {
      const step = steps[h] as (typeof steps)[number];
      forecasts.push({
        stationId: station.stationId,
        sensor,
        profile: station.profile,
        hour: seriesEnd + h * HOUR_MS,
        predicted: step.predicted,
        lower: step.lower,
        upper: step.upper,
        baseline: baseline ? (baseline[h] as number) : null,
        readingSigma,
        model: FORECAST_MODEL,
        trainedAt: options.until,
      });
    }
  }
  await repository.saveForecasts(forecasts);
  return { readings, rollups: rollups.length, forecasts: forecasts.length, sensors: sensors.size };
}
