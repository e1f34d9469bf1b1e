import { type Client, errors, types } from 'cassandra-driver';
import { DAY_MS, dayStart } from './buckets.js';
import {
  findStation,
  latestStoredReadings,
  type StationSummary,
  type StoredValues,
  stationsOfProfiles,
} from './station-history.js';

export type { StationSummary };

export interface StoredReading {
  readonly ts: string;
  readonly seq: number;
  readonly readingId: string;
  readonly values: Readonly<Record<string, number>>;
  readonly isAnomaly: boolean | null;
  readonly severity: string | null;
  readonly score: number | null;
  readonly explanation: string | null;
  readonly injectedAnomaly: string | null;
  readonly modelVersion: string | null;
  readonly detectorVersion: string | null;
}

export interface ReadingsPage {
  readonly readings: StoredReading[];
  /** Where the next page starts; absent on the last page. */
  readonly cursor?: string;
}

export interface ReadingsQuery {
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** A cursor that does not decode, or belongs to another query: the caller's mistake (a 400). */
export class InvalidCursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

export interface StationRepository {
  list(profiles: readonly string[]): Promise<StationSummary[]>;
  find(stationId: string, profiles: readonly string[]): Promise<StationSummary | undefined>;
  /** A station's readings in [from, to), newest first, one page at a time. */
  readings(stationId: string, query: ReadingsQuery): Promise<ReadingsPage>;
  /** Only the values and verdicts of a station's latest readings before `to`, newest first (for replay). */
  recentValues(stationId: string, from: number, to: number, limit: number): Promise<StoredValues[]>;
}

const SELECT_READINGS = `SELECT ts, seq, reading_id, sensor_values, is_anomaly, severity, score, explanation,
  injected_anomaly, model_version, detector_version
  FROM readings_by_station WHERE station_id = ? AND day = ? AND ts >= ? AND ts < ?`;

/** Where a page stopped: the day partition and the driver's paging state within it. */
interface Cursor {
  /** Start of the UTC day (ms) to read next. */
  readonly day: number;
  /** The driver's paging state within that day, or none to start the day from its newest row. */
  readonly pageState?: string;
  /** The range the cursor belongs to, so it cannot be replayed against another one. */
  readonly from: number;
  readonly to: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The from–to range a cursor belongs to (a 400 if it is not one of ours). */
export function rangeOfCursor(text: string): { from: number; to: number } {
  const cursor = parseCursor(text);
  if (typeof cursor.from !== 'number' || typeof cursor.to !== 'number') {
    throw new InvalidCursorError('cursor: not a cursor this API returned');
  }
  return { from: cursor.from, to: cursor.to };
}

function parseCursor(text: string): Partial<Cursor> {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (cursor && typeof cursor === 'object') return cursor;
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError('cursor: not a cursor this API returned');
}

export function decodeCursor(text: string, from: number, to: number): Cursor {
  const cursor = parseCursor(text);
  if (
    typeof cursor.day !== 'number' ||
    (cursor.pageState !== undefined && typeof cursor.pageState !== 'string') ||
    cursor.day % DAY_MS !== 0
  ) {
    throw new InvalidCursorError('cursor: not a cursor this API returned');
  }
  if (cursor.from !== from || cursor.to !== to) {
    throw new InvalidCursorError('cursor: belongs to another from/to range; pass the same from and to');
  }
  return cursor as Cursor;
}

/**
 * Stations and their history. Reading pages walk the station's day partitions newest first, each read
 * with the driver's paging state, so a page costs at most `limit` rows whatever the range.
 */
export function createCassandraStationRepository(client: Client): StationRepository {
  const options = { prepare: true };

  return {
    recentValues: (stationId, from, to, limit) => latestStoredReadings(client, stationId, from, to, limit),

    list: (profiles) => stationsOfProfiles(client, profiles),

    find: (stationId, profiles) => findStation(client, stationId, profiles),

    async readings(stationId, query) {
      const { from, to, limit } = query;
      const start = query.cursor ? decodeCursor(query.cursor, from, to) : { day: dayStart(to - 1), from, to };
      const readings: StoredReading[] = [];
      let day = start.day;
      let pageState = start.pageState;
      while (day >= dayStart(from) && readings.length < limit) {
        const result = await client
          .execute(
            SELECT_READINGS,
            [stationId, types.LocalDate.fromDate(new Date(day)), new Date(from), new Date(to)],
            { ...options, fetchSize: limit - readings.length, ...(pageState ? { pageState } : {}) },
          )
          .catch((error: unknown) => {
            // A paging state Cassandra refuses came from a tampered cursor, not from a fault of ours.
            if (pageState && error instanceof errors.ResponseError) {
              throw new InvalidCursorError('cursor: not a cursor this API returned');
            }
            throw error;
          });
        for (const row of result.rows) readings.push(toReading(row));
        if (result.pageState) {
          pageState = result.pageState;
          // A full page may end exactly where the day does; the next page then finds it empty and moves on.
          if (readings.length >= limit) break;
        } else {
          day -= DAY_MS;
          pageState = undefined;
        }
      }
      const more = day >= dayStart(from);
      return {
        readings,
        ...(more ? { cursor: encodeCursor({ day, ...(pageState ? { pageState } : {}), from, to }) } : {}),
      };
    },
  };
}

function toReading(row: types.Row): StoredReading {
  return {
    ts: (row.get('ts') as Date).toISOString(),
    seq: Number(row.get('seq')),
    readingId: row.get('reading_id'),
    values: row.get('sensor_values') ?? {},
    isAnomaly: row.get('is_anomaly') ?? null,
    severity: row.get('severity') ?? null,
    score: row.get('score') ?? null,
    explanation: row.get('explanation') ?? null,
    injectedAnomaly: row.get('injected_anomaly') ?? null,
    modelVersion: row.get('model_version') ?? null,
    detectorVersion: row.get('detector_version') ?? null,
  };
}
