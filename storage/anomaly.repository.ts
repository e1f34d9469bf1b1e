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
  /** Any of these profiles (all when absent). */
  readonly profiles?: readonly string[];
  readonly severity?: string;
  /** Any of these stations (all when absent). */
  readonly stationIds?: readonly string[];
  /** The oldest time wanted (inclusive); without it, the repository's look-back bounds the walk. */
  readonly from?: number;
}

/** How many anomalies one station had at one severity within one hour. */
export interface HourlyAnomalyCount {
  readonly stationId: string;
  readonly profile: string;
  readonly severity: string;
  readonly count: number;
}

export interface AnomalyRepository {
  /**
   * The newest anomalies before `until` (exclusive) first: back to `query.from` if given, else over at
   * most `lookbackHours` hourly partitions.
   */
  latest(query: AnomalyQuery, until: number): Promise<StoredAnomaly[]>;
  /** Anomaly counts of one UTC hour partition by station and severity, of rows at or after `since` if given. */
  countsOfHour(hour: number, since?: number): Promise<HourlyAnomalyCount[]>;
  /** Resolves when Cassandra answers, for /readyz. */
  ping(): Promise<void>;
}

const SELECT_HOUR = `SELECT ts, station_id, seq, reading_id, profile, severity, score, sensor_values, explanation,
  injected_anomaly, detector_version, model_version FROM anomalies_by_hour WHERE hour = ?`;

/** An hour's anomalies within [from, until): ts is the partition's first clustering column. */
const SELECT_HOUR_RANGE = `${SELECT_HOUR} AND ts >= ? AND ts < ?`;

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
 * The hour partitions to read, newest first, and each one's part of the range: from the hour of `until`
 * back to the hour of `from`, or `lookbackHours` of them when no `from` is given.
 */
function hoursOf(until: number, from: number | undefined, lookbackHours: number) {
  const newestHour = Math.floor((until - 1) / HOUR_MS) * HOUR_MS;
  const oldestHour =
    from === undefined ? newestHour - (lookbackHours - 1) * HOUR_MS : Math.floor(from / HOUR_MS) * HOUR_MS;
  const hours: Array<{ hour: Date; from: Date; until: Date }> = [];
  for (let hour = newestHour; hour >= oldestHour; hour -= HOUR_MS) {
    hours.push({
      hour: new Date(hour),
      from: new Date(Math.max(hour, from ?? hour)),
      until: new Date(Math.min(hour + HOUR_MS, until)),
    });
  }
  return hours;
}

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
    until: number,
  ): Promise<StoredAnomaly[]> {
    const found: StoredAnomaly[] = [];
    const profiles = query.profiles?.length ? query.profiles : [...profileNames(), 'imported'];
    const severities = query.severity ? [query.severity] : SEVERITIES;
    for (const { hour, from, until: end } of hoursOf(until, query.from, lookbackHours)) {
      if (found.length >= query.limit) break;
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
        .filter((key) => key.ts >= from && key.ts < end)
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
    async latest(query, until) {
      if (query.stationIds?.length) {
        // Each station from its own index; merged newest first.
        const perStation = await Promise.all(
          query.stationIds.map((stationId) => latestOfStation(query, stationId, until)),
        );
        return perStation
          .flat()
          .sort((a, b) => b.ts.localeCompare(a.ts) || a.stationId.localeCompare(b.stationId) || b.seq - a.seq)
          .slice(0, query.limit);
      }
      const found: StoredAnomaly[] = [];
      const profiles = query.profiles?.length ? new Set(query.profiles) : undefined;
      for (const { hour, from, until: end } of hoursOf(until, query.from, lookbackHours)) {
        if (found.length >= query.limit) break;
        let pageState: string | undefined;
        do {
          const result = await client.execute(SELECT_HOUR_RANGE, [hour, from, end], {
            prepare: true,
            // Unfiltered, the first rows are the answer: fetch no more than are wanted. A profile or a
            // severity matches a good share of rows, so filtering them here finds the answer soon.
            fetchSize: profiles || query.severity ? 500 : query.limit - found.length,
            ...(pageState ? { pageState } : {}),
          });
          for (const row of result.rows) {
            const anomaly = anomalyOf(row);
            if (profiles && !profiles.has(anomaly.profile)) continue;
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
