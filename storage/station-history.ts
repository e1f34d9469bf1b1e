import type { Client, types } from 'cassandra-driver';
import { DAY_MS, dayOf, dayStart, daysOf } from './buckets.js';

/** The stations_by_profile table and the per-day reads of readings_by_station: the only CQL for them. */

export interface StationRef {
  readonly stationId: string;
  readonly profile: string;
}

export interface StationSummary extends StationRef {
  /** Last seen, to the hour (the detector lists a station once per UTC hour). */
  readonly lastSeen: string | null;
}

const SELECT_STATIONS = 'SELECT station_id, last_seen FROM stations_by_profile WHERE profile = ?';
const SELECT_STATION =
  'SELECT station_id, last_seen FROM stations_by_profile WHERE profile = ? AND station_id = ?';
const UPSERT_STATION = 'INSERT INTO stations_by_profile (profile, station_id, last_seen) VALUES (?, ?, ?)';

/** Lists a station under its profile, so the API, training and the batch job find it. */
export function stationListingStatement(profile: string, stationId: string, lastSeen: number) {
  return { query: UPSERT_STATION, params: [profile, stationId, new Date(lastSeen)] };
}

const summaryOf = (row: types.Row, profile: string): StationSummary => ({
  stationId: row.get('station_id'),
  profile,
  lastSeen: (row.get('last_seen') as Date | null)?.toISOString() ?? null,
});

/** Every profile with stations, simulated or imported (`stations_by_profile`'s partition keys). */
export async function profilesWithStations(client: Client): Promise<string[]> {
  const result = await client.execute('SELECT DISTINCT profile FROM stations_by_profile', [], {
    prepare: true,
  });
  return result.rows.map((row) => row.get('profile') as string).sort();
}

/** The stations of each profile, in the table's order, with when each was last seen. */
export async function stationsOfProfiles(
  client: Client,
  profiles: readonly string[],
  prefix = '',
): Promise<StationSummary[]> {
  const stations: StationSummary[] = [];
  for (const profile of profiles) {
    const result = await client.execute(SELECT_STATIONS, [profile], { prepare: true, fetchSize: 5_000 });
    for await (const row of result) {
      const station = summaryOf(row, profile);
      if (station.stationId.startsWith(prefix)) stations.push(station);
    }
  }
  return stations;
}

/** A station listed under one of `profiles`, or undefined. */
export async function findStation(
  client: Client,
  stationId: string,
  profiles: readonly string[],
): Promise<StationSummary | undefined> {
  for (const profile of profiles) {
    const row = (await client.execute(SELECT_STATION, [profile, stationId], { prepare: true })).first();
    if (row) return summaryOf(row, profile);
  }
  return undefined;
}

/** What the history reads keep of a stored reading. */
export interface StoredValues {
  readonly ts: number;
  readonly values: Readonly<Record<string, number>>;
  readonly isAnomaly: boolean;
}

const SELECT_VALUES =
  'SELECT ts, sensor_values, is_anomaly FROM readings_by_station WHERE station_id = ? AND day = ? AND ts >= ? AND ts < ?';

const valuesOf = (row: types.Row): StoredValues => ({
  ts: (row.get('ts') as Date).getTime(),
  values: row.get('sensor_values') ?? {},
  isAnomaly: row.get('is_anomaly') === true,
});

/**
 * A station's stored readings in [from, to), one UTC day at a time, oldest day first and each day's in
 * time order (the table keeps them newest first), paged within a day: memory is one day, whatever the range.
 */
export async function* storedReadingsByDay(
  client: Client,
  stationId: string,
  from: number,
  to: number,
): AsyncGenerator<StoredValues[]> {
  for (const day of daysOf(from, to)) {
    const rows: StoredValues[] = [];
    const result = await client.execute(
      SELECT_VALUES,
      [stationId, dayOf(day), new Date(from), new Date(to)],
      { prepare: true, fetchSize: 5_000 },
    );
    for await (const row of result) rows.push(valuesOf(row));
    yield rows.reverse();
  }
}

/** Streams a station's stored readings in [from, to) to `onReading`, in time order; returns how many. */
export async function forEachStoredReading(
  client: Client,
  stationId: string,
  from: number,
  to: number,
  onReading: (ts: number, values: Readonly<Record<string, number>>, isAnomaly: boolean) => void,
): Promise<number> {
  let count = 0;
  for await (const day of storedReadingsByDay(client, stationId, from, to)) {
    for (const row of day) onReading(row.ts, row.values, row.isAnomaly);
    count += day.length;
  }
  return count;
}

/** A station's latest `limit` readings in [from, to), newest first (what predict replays). */
export async function latestStoredReadings(
  client: Client,
  stationId: string,
  from: number,
  to: number,
  limit: number,
): Promise<StoredValues[]> {
  const found: StoredValues[] = [];
  for (let day = dayStart(to - 1); day >= dayStart(from) && found.length < limit; day -= DAY_MS) {
    const result = await client.execute(
      `${SELECT_VALUES} LIMIT ?`,
      [stationId, dayOf(day), new Date(from), new Date(to), limit - found.length],
      { prepare: true },
    );
    for (const row of result.rows) found.push(valuesOf(row));
  }
  return found;
}
