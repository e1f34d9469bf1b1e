import { type Client, types } from 'cassandra-driver';

const DAY_MS = 86_400_000;

export interface StationRef {
  readonly stationId: string;
  readonly profile: string;
}

/** Every profile with stations, simulated or imported (`stations_by_profile`'s partition keys). */
export async function profilesWithStations(client: Client): Promise<string[]> {
  const result = await client.execute('SELECT DISTINCT profile FROM stations_by_profile', [], {
    prepare: true,
  });
  return result.rows.map((row) => row.get('profile') as string).sort();
}

export async function stationsOfProfiles(client: Client, profiles: readonly string[]): Promise<StationRef[]> {
  const stations: StationRef[] = [];
  for (const profile of profiles) {
    const result = await client.execute(
      'SELECT station_id FROM stations_by_profile WHERE profile = ?',
      [profile],
      { prepare: true, fetchSize: 5_000 },
    );
    for await (const row of result) stations.push({ stationId: row.get('station_id'), profile });
  }
  return stations;
}

/**
 * Streams a station's stored readings in [from, to) to `onReading`, one day partition at a time and
 * paged within it: memory stays bounded whatever the range. Order within a day is newest first.
 */
export async function forEachStoredReading(
  client: Client,
  stationId: string,
  from: number,
  to: number,
  onReading: (ts: number, values: Readonly<Record<string, number>>, isAnomaly: boolean) => void,
): Promise<number> {
  let count = 0;
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    const result = await client.execute(
      'SELECT ts, sensor_values, is_anomaly FROM readings_by_station WHERE station_id = ? AND day = ? AND ts >= ? AND ts < ?',
      [stationId, types.LocalDate.fromDate(new Date(day)), new Date(from), new Date(to)],
      { prepare: true, fetchSize: 5_000 },
    );
    for await (const row of result) {
      onReading(
        (row.get('ts') as Date).getTime(),
        row.get('sensor_values') ?? {},
        row.get('is_anomaly') === true,
      );
      count += 1;
    }
  }
  return count;
}
