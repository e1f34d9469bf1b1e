import { type Client, types } from 'cassandra-driver';
import { eventually } from '../../support/stack.js';
import { rowKey } from './steady-load.js';

export interface Reconciliation {
  readonly acked: number;
  readonly rows: number;
  /** Acknowledged readings with no row. */
  readonly missing: number;
  /** Rows of the scenario's stations that no acknowledged reading accounts for. */
  readonly unexpected: number;
  /** The first few missing row keys, to look for in Kafka when some are missing. */
  readonly missingKeys: readonly string[];
}

const DAY_MS = 86_400_000;

/**
 * Compares what Kafka acknowledged with what is in readings_by_station: every acknowledged reading must
 * have its row, and no row may be there that was not acknowledged. A row's key is (station, day, ts,
 * seq), so a reading stored twice is one row: replays cannot show up as extra rows, and any extra row
 * would be a reading nobody sent.
 */
export async function reconcile(
  cassandra: Client,
  acked: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<Reconciliation> {
  let ackedCount = 0;
  let rows = 0;
  let missing = 0;
  let unexpected = 0;
  const missingKeys: string[] = [];
  for (const [stationId, keys] of acked) {
    ackedCount += keys.size;
    const days = new Set([...keys].map((key) => Math.floor(Number(key.split('|')[1]) / DAY_MS)));
    const stored = new Set<string>();
    for (const day of days) {
      const result = await cassandra.execute(
        'SELECT ts, seq FROM readings_by_station WHERE station_id = ? AND day = ?',
        [stationId, types.LocalDate.fromDate(new Date(day * DAY_MS))],
        { prepare: true, fetchSize: 100_000 },
      );
      for (const row of result.rows) {
        rows += 1;
        stored.add(rowKey(stationId, (row.ts as Date).getTime(), Number(row.seq)));
      }
    }
    for (const key of keys) {
      if (stored.has(key)) continue;
      missing += 1;
      if (missingKeys.length < 20) missingKeys.push(key);
    }
    for (const key of stored) if (!keys.has(key)) unexpected += 1;
  }
  return { acked: ackedCount, rows, missing, unexpected, missingKeys };
}

/** Waits until every acknowledged reading is stored (the detector has caught up), then reconciles. */
export async function reconcileWhenDrained(
  cassandra: Client,
  acked: ReadonlyMap<string, ReadonlySet<string>>,
  timeoutMs = 180_000,
): Promise<Reconciliation> {
  let last: Reconciliation | undefined;
  try {
    return await eventually(
      'every acknowledged reading to be stored',
      async () => {
        last = await reconcile(cassandra, acked);
        return last.missing === 0 ? last : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    if (last) return last;
    throw error;
  }
}
