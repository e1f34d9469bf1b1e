import type { Client } from 'cassandra-driver';

export type Resolution = 'hour' | 'day';

export const BUCKET_MS: Record<Resolution, number> = { hour: 3_600_000, day: 86_400_000 };

/** Statistics of one sensor over one bucket. */
export interface Rollup {
  readonly sensor: string;
  readonly resolution: Resolution;
  /** Start of the bucket (epoch ms, UTC). */
  readonly bucket: number;
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Population standard deviation of the bucket's values. */
  readonly stddev: number;
  /** Readings of the bucket the detector judged anomalous. */
  readonly anomalies: number;
}

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

/** One stored forecast of a sensor's mean over one hour. */
export interface StoredForecast {
  readonly stationId: string;
  readonly sensor: string;
  readonly profile: string;
  readonly hour: number;
  readonly predicted: number;
  readonly lower: number;
  readonly upper: number;
  /** The seasonal-naive forecast for the same hour, kept for the comparison. */
  readonly baseline: number | null;
  /** Spread of single readings around the hour's mean (within-hour standard deviation). */
  readonly readingSigma: number;
  readonly model: string;
  readonly trainedAt: number;
}

export interface StoredAccuracy extends Accuracy {
  readonly profile: string;
  readonly model: string;
  readonly evaluatedAt: number;
}

export interface ForecastRepository {
  saveRollups(stationId: string, rollups: readonly Rollup[]): Promise<void>;
  /** Bucket → rollup of one sensor over [from, to). */
  rollupsOf(
    stationId: string,
    sensor: string,
    resolution: Resolution,
    from: number,
    to: number,
  ): Promise<Rollup[]>;
  saveForecasts(forecasts: readonly StoredForecast[]): Promise<void>;
  /** A sensor's forecasts for hours in [from, to), oldest first. */
  forecastsOf(stationId: string, sensor: string, from: number, to: number): Promise<StoredForecast[]>;
  /** Every station's forecasts for one hour (the detector's forecast signal, the exporter's gauges). */
  forecastsOfHour(hour: number): Promise<StoredForecast[]>;
  saveAccuracy(rows: readonly StoredAccuracy[]): Promise<void>;
  accuracy(): Promise<StoredAccuracy[]>;
}

const THIRTY_DAYS_S = 30 * 86_400;
const FORECAST_COLUMNS = 'profile, predicted, lower, upper, baseline, reading_sigma, model, trained_at';
const INSERT_FORECAST = `INSERT INTO forecasts (station_id, sensor, hour, ${FORECAST_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ${THIRTY_DAYS_S}`;
const INSERT_FORECAST_BY_HOUR = `INSERT INTO forecasts_by_hour (hour, station_id, sensor, ${FORECAST_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ${THIRTY_DAYS_S}`;
const SELECT_FORECAST = `SELECT station_id, sensor, hour, ${FORECAST_COLUMNS}`;

/**
 * Rollups, forecasts and forecast accuracy in Cassandra. `scope` (the model registry's name) keeps the
 * accuracy of different environments, or tests, apart.
 */
export function createCassandraForecastRepository(client: Client, scope: string): ForecastRepository {
  const options = { prepare: true };
  const run = async (statements: { query: string; params: unknown[] }[]) => {
    // Many small independent writes: concurrency without a batch (they span partitions).
    for (let i = 0; i < statements.length; i += 256) {
      await Promise.all(statements.slice(i, i + 256).map((s) => client.execute(s.query, s.params, options)));
    }
  };

  const readForecasts = async (query: string, params: unknown[]): Promise<StoredForecast[]> => {
    const result = await client.execute(query, params, { ...options, fetchSize: 5_000 });
    const forecasts: StoredForecast[] = [];
    for await (const row of result) forecasts.push(toForecast(row));
    return forecasts;
  };

  return {
    async saveRollups(stationId, rollups) {
      await run(
        rollups.map((r) => ({
          query: `INSERT INTO sensor_rollups (station_id, sensor, resolution, bucket, mean, min, max, stddev, count, anomalies)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          params: [
            stationId,
            r.sensor,
            r.resolution,
            new Date(r.bucket),
            r.mean,
            r.min,
            r.max,
            r.stddev,
            r.count,
            r.anomalies,
          ],
        })),
      );
    },

    async rollupsOf(stationId, sensor, resolution, from, to) {
      const result = await client.execute(
        `SELECT bucket, mean, min, max, stddev, count, anomalies FROM sensor_rollups
         WHERE station_id = ? AND sensor = ? AND resolution = ? AND bucket >= ? AND bucket < ?`,
        [stationId, sensor, resolution, new Date(from), new Date(to)],
        { ...options, fetchSize: 5_000 },
      );
      const rollups: Rollup[] = [];
      for await (const row of result) {
        rollups.push({
          sensor,
          resolution,
          bucket: (row.get('bucket') as Date).getTime(),
          mean: row.get('mean'),
          min: row.get('min'),
          max: row.get('max'),
          stddev: row.get('stddev'),
          count: row.get('count'),
          anomalies: row.get('anomalies'),
        });
      }
      return rollups.sort((a, b) => a.bucket - b.bucket);
    },

    async saveForecasts(forecasts) {
      // The same columns to both tables: by station and sensor (the API) and by hour (detector, gauges).
      await run(
        forecasts.flatMap((f) => {
          const columns = [
            f.profile,
            f.predicted,
            f.lower,
            f.upper,
            f.baseline,
            f.readingSigma,
            f.model,
            new Date(f.trainedAt),
          ];
          return [
            { query: INSERT_FORECAST, params: [f.stationId, f.sensor, new Date(f.hour), ...columns] },
            { query: INSERT_FORECAST_BY_HOUR, params: [new Date(f.hour), f.stationId, f.sensor, ...columns] },
          ];
        }),
      );
    },

    forecastsOf: (stationId, sensor, from, to) =>
      readForecasts(
        `${SELECT_FORECAST} FROM forecasts WHERE station_id = ? AND sensor = ? AND hour >= ? AND hour < ?`,
        [stationId, sensor, new Date(from), new Date(to)],
      ),

    forecastsOfHour: (hour) =>
      readForecasts(`${SELECT_FORECAST} FROM forecasts_by_hour WHERE hour = ?`, [
        new Date(Math.floor(hour / BUCKET_MS.hour) * BUCKET_MS.hour),
      ]),

    async saveAccuracy(rows) {
      await run(
        rows.map((a) => ({
          query: `INSERT INTO forecast_accuracy (scope, profile, model, rmse, mae, r2, mape, points, evaluated_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          params: [scope, a.profile, a.model, a.rmse, a.mae, a.r2, a.mape, a.points, new Date(a.evaluatedAt)],
        })),
      );
    },

    async accuracy() {
      const result = await client.execute(
        'SELECT profile, model, rmse, mae, r2, mape, points, evaluated_at FROM forecast_accuracy WHERE scope = ?',
        [scope],
        options,
      );
      return result.rows.map((row) => ({
        profile: row.get('profile'),
        model: row.get('model'),
        rmse: row.get('rmse'),
        mae: row.get('mae'),
        r2: row.get('r2'),
        mape: row.get('mape') ?? null,
        points: row.get('points'),
        evaluatedAt: (row.get('evaluated_at') as Date).getTime(),
      }));
    },
  };
}

function toForecast(row: { get(column: string): unknown }): StoredForecast {
  return {
    stationId: row.get('station_id') as string,
    sensor: row.get('sensor') as string,
    profile: row.get('profile') as string,
    hour: (row.get('hour') as Date).getTime(),
    predicted: row.get('predicted') as number,
    lower: row.get('lower') as number,
    upper: row.get('upper') as number,
    baseline: (row.get('baseline') as number | null) ?? null,
    readingSigma: row.get('reading_sigma') as number,
    model: row.get('model') as string,
    trainedAt: (row.get('trained_at') as Date).getTime(),
  };
}
