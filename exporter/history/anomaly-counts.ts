import { TtlCache } from '../../common/ttl-cache.js';
import type { AnomalyRepository, HourlyAnomalyCount } from '../../storage/anomaly.repository.js';

const HOUR_MS = 3_600_000;

export interface CountFilter {
  readonly stationId?: string | undefined;
  readonly profile?: string | undefined;
}

export interface CountOptions {
  /** Hours older than this are complete (late rows have arrived) and their counts are cached. */
  readonly settledAfterMs: number;
  /** Hour partitions read at once. */
  readonly concurrency: number;
  /** Complete hours cached at most (90 days by default). */
  readonly maxCachedHours: number;
  /** How long counts of a recent, still changing hour are reused: a dashboard polling every second costs one read. */
  readonly freshForMs: number;
}

export const DEFAULT_COUNT_OPTIONS: CountOptions = {
  settledAfterMs: 10 * 60_000,
  concurrency: 8,
  maxCachedHours: 24 * 90,
  freshForMs: 10_000,
};

const MINUTE_MS = 60_000;

/**
 * Anomaly counts over a time range, from the hour partitions of `anomalies_by_hour`: a range reads every
 * hour it spans, the first one only from the range's start. A settled hour never changes, so its counts
 * are cached and a 30-day count reads Cassandra once per hour only the first time.
 */
export class AnomalyCounts {
  /** Settled hours, kept for good (their counts never change). */
  private readonly settled: TtlCache<number, HourlyAnomalyCount[]>;
  /** Recent hours' counts by (hour, since), each kept for freshForMs. */
  private readonly fresh = new TtlCache<string, HourlyAnomalyCount[]>(10_000);

  constructor(
    private readonly repository: AnomalyRepository,
    private readonly options: CountOptions = DEFAULT_COUNT_OPTIONS,
  ) {
    this.settled = new TtlCache(options.maxCachedHours);
  }

  /** Every (station, severity) count from `from` (to the minute) up to `to`, filtered. */
  async between(from: number, to: number, filter: CountFilter = {}): Promise<HourlyAnomalyCount[]> {
    // To the minute, so requests of the same range within a minute share their reads.
    from = Math.floor(from / MINUTE_MS) * MINUTE_MS;
    const hours: number[] = [];
    for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour <= to; hour += HOUR_MS) hours.push(hour);
    const perHour = await mapConcurrently(hours, this.options.concurrency, (hour) =>
      this.countsOf(hour, Math.max(hour, from), to),
    );
    const merged = new Map<string, HourlyAnomalyCount>();
    for (const counts of perHour) {
      for (const count of counts) {
        if (filter.stationId && count.stationId !== filter.stationId) continue;
        if (filter.profile && count.profile !== filter.profile) continue;
        const key = `${count.stationId}\u0000${count.severity}`;
        const known = merged.get(key);
        merged.set(key, known ? { ...known, count: known.count + count.count } : count);
      }
    }
    return [...merged.values()];
  }

  private async countsOf(hour: number, since: number, now: number): Promise<HourlyAnomalyCount[]> {
    const whole = since === hour;
    const settled = whole && hour + HOUR_MS <= now - this.options.settledAfterMs;
    if (!settled) {
      return this.fresh.get(`${hour}:${since}`, this.options.freshForMs, now, () =>
        this.repository.countsOfHour(hour, since),
      );
    }
    return this.settled.get(hour, Number.POSITIVE_INFINITY, now, () =>
      this.repository.countsOfHour(hour, since),
    );
  }
}

/** Totals of counts by one of their fields. */
export function totalsBy(
  counts: readonly HourlyAnomalyCount[],
  field: 'profile' | 'severity' | 'stationId',
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const count of counts) totals[count[field]] = (totals[count[field]] ?? 0) + count.count;
  return totals;
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
