import type { Client } from 'cassandra-driver';

export interface StoredAnomaly {
  readonly stationId: string;
  readonly profile: string;
  readonly ts: string;
  readonly seq: number;
  readonly readingId: string;
  readonly severity: string;
  readonly score: number;
  readonly values: Readonly<Record<string, number>>;
  readonly explanation: string;
  readonly injectedAnomaly: string | null;
  readonly detectorVersion: string;
}

export interface AnomalyQuery {
  readonly limit: number;
  readonly profile?: string;
  readonly severity?: string;
  readonly stationId?: string;
}

export interface AnomalyRepository {
  /** The newest anomalies first, over at most `lookbackHours` hourly partitions before `now`. */
  latest(query: AnomalyQuery, now: number): Promise<StoredAnomaly[]>;
  /** Resolves when Cassandra answers, for /readyz. */
  ping(): Promise<void>;
}

const SELECT_HOUR = `SELECT ts, station_id, seq, reading_id, profile, severity, score, sensor_values, explanation,
  injected_anomaly, detector_version FROM anomalies_by_hour WHERE hour = ?`;

const HOUR_MS = 3_600_000;

/**
 * Reads recent anomalies hour partition by hour partition, newest first, paging through each with the
 * driver's paging state so no read is unbounded, and stops as soon as `limit` rows match.
 */
export function createCassandraAnomalyRepository(client: Client, lookbackHours: number): AnomalyRepository {
  return {
    async latest(query, now) {
      const found: StoredAnomaly[] = [];
      const newestHour = Math.floor(now / HOUR_MS) * HOUR_MS;
      for (let h = 0; h < lookbackHours && found.length < query.limit; h++) {
        let pageState: string | undefined;
        do {
          const result = await client.execute(SELECT_HOUR, [new Date(newestHour - h * HOUR_MS)], {
            prepare: true,
            fetchSize: 500,
            ...(pageState ? { pageState } : {}),
          });
          for (const row of result.rows) {
            const anomaly: StoredAnomaly = {
              stationId: row.get('station_id'),
              profile: row.get('profile'),
              ts: (row.get('ts') as Date).toISOString(),
              seq: Number(row.get('seq')),
              readingId: row.get('reading_id'),
              severity: row.get('severity'),
              score: row.get('score'),
              values: row.get('sensor_values') ?? {},
              explanation: row.get('explanation'),
              injectedAnomaly: row.get('injected_anomaly') ?? null,
              detectorVersion: row.get('detector_version'),
            };
            if (query.profile && anomaly.profile !== query.profile) continue;
            if (query.severity && anomaly.severity !== query.severity) continue;
            if (query.stationId && anomaly.stationId !== query.stationId) continue;
            found.push(anomaly);
            if (found.length >= query.limit) break;
          }
          pageState = found.length < query.limit ? result.pageState : undefined;
        } while (pageState);
      }
      return found;
    },
    async ping() {
      await client.execute('SELECT release_version FROM system.local');
    },
  };
}
