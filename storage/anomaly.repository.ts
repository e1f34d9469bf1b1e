import type { Client, types } from 'cassandra-driver';
import { profileNames } from '../common/reading/profiles.js';

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
  readonly modelVersion: string | null;
}

export interface AnomalyQuery {
  readonly limit: number;
  readonly profile?: string;
  readonly severity?: string;
  readonly stationId?: string;
}

/** How many anomalies one station had at one severity within one hour. */
export interface HourlyAnomalyCount {
  readonly stationId: string;
  readonly profile: string;
  readonly severity: string;
  readonly count: number;
}

export interface AnomalyRepository {
  /** The newest anomalies first, over at most `lookbackHours` hourly partitions before `now`. */
  latest(query: AnomalyQuery, now: number): Promise<StoredAnomaly[]>;
  /** Anomaly counts of one UTC hour partition by station and severity, of rows at or after `since` if given. */
  countsOfHour(hour: number, since?: number): Promise<HourlyAnomalyCount[]>;
  /** Resolves when Cassandra answers, for /readyz. */
  ping(): Promise<void>;
}

const SELECT_HOUR = `SELECT ts, station_id, seq, reading_id, profile, severity, score, sensor_values, explanation,
  injected_anomaly, detector_version, model_version FROM anomalies_by_hour WHERE hour = ?`;

/** One anomaly by its key, once the index has found it. */
const SELECT_ONE = `${SELECT_HOUR} AND ts = ? AND station_id = ? AND seq = ?`;

/**
 * anomaly_counts_by_hour, clustered by (profile, severity, station_id, ts, seq), is the index of a
 * station's anomalies: with the prefix restricted (profile and severity to every value they can take
 * unless given), an hour's anomalies of one station come back without reading the hour's others.
 */
const SELECT_INDEX_OF_STATION = `SELECT ts, station_id, seq FROM anomaly_counts_by_hour
  WHERE hour = ? AND profile IN ? AND severity IN ? AND station_id = ?`;

const SEVERITIES = ['warning', 'critical'];
const HOUR_MS = 3_600_000;

/**
 * Reads recent anomalies hour partition by hour partition, newest first, paging through each with the
 * driver's paging state so no read is unbounded, and stops as soon as `limit` rows match.
 */
export function createCassandraAnomalyRepository(client: Client, lookbackHours: number): AnomalyRepository {
  /**
   * One station's anomalies: a handful among an hour's thousands, so each hour's keys of that station come
   * from the index (at most one a second: 3 600), newest first, and then those rows by key.
   */
  async function latestOfStation(
    query: AnomalyQuery,
    stationId: string,
    now: number,
  ): Promise<StoredAnomaly[]> {
    const found: StoredAnomaly[] = [];
    const newestHour = Math.floor(now / HOUR_MS) * HOUR_MS;
    const profiles = query.profile ? [query.profile] : [...profileNames(), 'imported'];
    const severities = query.severity ? [query.severity] : SEVERITIES;
    for (let h = 0; h < lookbackHours && found.length < query.limit; h++) {
      const hour = new Date(newestHour - h * HOUR_MS);
      const keys = await client.execute(SELECT_INDEX_OF_STATION, [hour, profiles, severities, stationId], {
        prepare: true,
        fetchSize: 100_000,
      });
      const newest = keys.rows
        .map((row) => ({
          ts: row.get('ts') as Date,
          stationId: row.get('station_id') as string,
          seq: row.get('seq'),
        }))
        .sort((a, b) => b.ts.getTime() - a.ts.getTime() || (a.stationId < b.stationId ? -1 : 1))
        .slice(0, query.limit - found.length);
      const rows = await Promise.all(
        newest.map((key) =>
          client.execute(SELECT_ONE, [hour, key.ts, key.stationId, key.seq as types.Long], { prepare: true }),
        ),
      );
      for (const result of rows) {
        const row = result.first();
        if (row) found.push(anomalyOf(row));
      }
    }
    return found;
  }

  return {
    async latest(query, now) {
      if (query.stationId) return latestOfStation(query, query.stationId, now);
      const found: StoredAnomaly[] = [];
      const newestHour = Math.floor(now / HOUR_MS) * HOUR_MS;
      for (let h = 0; h < lookbackHours && found.length < query.limit; h++) {
        let pageState: string | undefined;
        do {
          const result = await client.execute(SELECT_HOUR, [new Date(newestHour - h * HOUR_MS)], {
            prepare: true,
            // Unfiltered, the first rows are the answer: fetch no more than are wanted. A profile or a
            // severity matches a good share of rows, so filtering them here finds the answer soon.
            fetchSize: query.profile || query.severity ? 500 : query.limit - found.length,
            ...(pageState ? { pageState } : {}),
          });
          for (const row of result.rows) {
            const anomaly = anomalyOf(row);
            if (query.profile && anomaly.profile !== query.profile) continue;
            if (query.severity && anomaly.severity !== query.severity) continue;
            found.push(anomaly);
            if (found.length >= query.limit) break;
          }
          pageState = found.length < query.limit ? result.pageState : undefined;
        } while (pageState);
      }
      return found;
    },
    async countsOfHour(hour, since) {
      // Cassandra counts (GROUP BY on the clustering prefix): one row per station and severity comes back,
      // not one per anomaly. A range starting inside the hour filters on ts within the one partition.
      const within = since !== undefined && since > hour;
      const result = await client.execute(
        `SELECT profile, severity, station_id, COUNT(*) AS n FROM anomaly_counts_by_hour WHERE hour = ?${within ? ' AND ts >= ?' : ''}
         GROUP BY profile, severity, station_id${within ? ' ALLOW FILTERING' : ''}`,
        within ? [new Date(hour), new Date(since)] : [new Date(hour)],
        { prepare: true, fetchSize: 5_000 },
      );
      const counts: HourlyAnomalyCount[] = [];
      for await (const row of result) {
        counts.push({
          stationId: row.get('station_id') as string,
          profile: row.get('profile') as string,
          severity: row.get('severity') as string,
          count: Number(row.get('n')),
        });
      }
      return counts;
    },

    async ping() {
      await client.execute('SELECT release_version FROM system.local');
    },
  };
}

function anomalyOf(row: types.Row): StoredAnomaly {
  return {
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
    modelVersion: row.get('model_version') ?? null,
  };
}
