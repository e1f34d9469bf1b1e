import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Client, concurrent } from 'cassandra-driver';
import { isProfileName, profileOf } from '../common/reading/profiles.js';
import { readingRowStatement } from '../storage/reading.repository.js';
import { stationListingStatement } from '../storage/station-history.js';
import { type Layout, LayoutError, type LayoutName, layoutFor, type ParsedRow } from './csv-layouts.js';

/** The profile of imported stations whose columns are not a configured profile's sensors. */
export const IMPORTED_PROFILE = 'imported';

export interface ImportRequest {
  readonly file: string;
  readonly stationId: string;
  readonly layout?: LayoutName;
  /** A configured profile (its sensors and valid ranges apply), or `imported` for free-form columns. */
  readonly profile?: string;
  readonly onProgress?: (progress: { bytes: number; totalBytes: number; rows: number }) => void;
  readonly onBadRow?: (line: number, reason: string) => void;
  /** Rows written at once. */
  readonly batchSize?: number;
}

export interface ImportSummary {
  readonly layout: LayoutName;
  readonly profile: string;
  readonly sensors: readonly string[];
  readonly rows: number;
  /** Stored rows where every value was missing (kept: they are the station's history too). */
  readonly allMissing: number;
  readonly badRows: number;
  readonly from: number | null;
  readonly to: number | null;
}

/**
 * Backfills a station's history from a CSV file into `readings_by_station`, streaming it line by line.
 * A row's key is its station and timestamp (sequence 0), so importing a file twice stores each row once.
 * Bad rows are reported with their line number and skipped; every good row is written.
 */
export async function importCsv(client: Client, request: ImportRequest): Promise<ImportSummary> {
  const totalBytes = statSync(request.file).size;
  const lines = createInterface({
    input: createReadStream(request.file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let layout: Layout | undefined;
  let profile = request.profile;
  let validRanges: Record<string, readonly [number, number]> = {};
  let lineNumber = 0;
  let bytes = 0;
  let batch: { query: string; params: unknown[] }[] = [];
  const summary = {
    rows: 0,
    allMissing: 0,
    badRows: 0,
    from: null as number | null,
    to: null as number | null,
  };
  const storedAt = new Date();
  const batchSize = request.batchSize ?? 2_000;
  let lastProgress = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    await concurrent.executeConcurrent(client, batch, { concurrencyLevel: 64, raiseOnFirstError: true });
    batch = [];
  };

  for await (const line of lines) {
    lineNumber += 1;
    bytes += Buffer.byteLength(line) + 1;
    if (!layout) {
      layout = layoutFor(line, request.layout);
      profile ??= layout.name === 'uci' ? 'household_power' : IMPORTED_PROFILE;
      validRanges = checkProfile(profile, layout.sensors);
      continue;
    }
    if (line.trim() === '') continue;
    const result = layout.parse(line);
    const problem = result.ok ? outOfRange(result.row, validRanges) : result.reason;
    if (problem !== undefined || !result.ok) {
      summary.badRows += 1;
      request.onBadRow?.(lineNumber, problem ?? 'invalid');
      continue;
    }
    const { ts, values } = result.row;
    const present: Record<string, number> = {};
    for (const [sensor, value] of Object.entries(values)) if (value !== null) present[sensor] = value;
    if (Object.keys(present).length === 0) summary.allMissing += 1;
    batch.push(
      readingRowStatement({
        stationId: request.stationId,
        ts,
        seq: 0,
        readingId: `${request.stationId}:import:${ts}`,
        profile: profile as string,
        values: present,
        injected: null,
        verdict: null,
        explanation: 'imported from CSV; not scored',
        detectorVersion: 'import',
        modelVersion: null,
        storedAt,
      }),
    );
    summary.rows += 1;
    summary.from = Math.min(summary.from ?? ts, ts);
    summary.to = Math.max(summary.to ?? ts, ts);
    if (batch.length >= batchSize) await flush();
    if (bytes - lastProgress > totalBytes / 200 || bytes >= totalBytes) {
      lastProgress = bytes;
      request.onProgress?.({ bytes, totalBytes, rows: summary.rows });
    }
  }
  await flush();
  if (!layout) throw new LayoutError(`${request.file} is empty: expected a header line`);
  if (summary.rows > 0 && summary.from !== null) {
    // Listed under its profile, so the API, training and the batch job find the station.
    const listing = stationListingStatement(profile as string, request.stationId, summary.to as number);
    await client.execute(listing.query, listing.params, { prepare: true });
  }
  request.onProgress?.({ bytes: totalBytes, totalBytes, rows: summary.rows });
  return { layout: layout.name, profile: profile as string, sensors: layout.sensors, ...summary };
}

/** The valid ranges of a configured profile's sensors, after checking the file's columns belong to it. */
function checkProfile(
  profile: string,
  sensors: readonly string[],
): Record<string, readonly [number, number]> {
  if (profile === IMPORTED_PROFILE) return {};
  if (!isProfileName(profile)) {
    throw new LayoutError(`unknown profile "${profile}"; use a configured profile or "${IMPORTED_PROFILE}"`);
  }
  const spec = profileOf(profile);
  const unknown = sensors.filter((s) => !(s in spec.sensors));
  if (unknown.length > 0) {
    throw new LayoutError(
      `columns ${unknown.join(', ')} are not sensors of ${profile} (${Object.keys(spec.sensors).join(', ')}); import with --profile ${IMPORTED_PROFILE} to keep them as they are`,
    );
  }
  return Object.fromEntries(sensors.map((s) => [s, spec.sensors[s]?.validRange ?? [-Infinity, Infinity]]));
}

function outOfRange(row: ParsedRow, ranges: Record<string, readonly [number, number]>): string | undefined {
  for (const [sensor, value] of Object.entries(row.values)) {
    const range = ranges[sensor];
    if (value !== null && range && (value < range[0] || value > range[1])) {
      return `${sensor} = ${value} is outside [${range[0]}, ${range[1]}]`;
    }
  }
  return undefined;
}
