import type { ScoredMessage } from '../../scoring/scored-message.js';

const SEVERITY_LEVEL = { none: 0, warning: 1, critical: 2 } as const;

/** What the exporter knows of one station: its latest scored reading. */
export interface StationState {
  readonly stationId: string;
  readonly profile: string;
  readonly partition: number;
  /** When this exporter received the latest reading (ms); drives expiry. */
  readonly receivedAt: number;
  /** The reading's own timestamp (ms). */
  readonly readingTs: number;
  readonly values: Readonly<Record<string, number | null>>;
  readonly zScores: Readonly<Record<string, number>>;
  /** 0 normal, 1 warning, 2 critical. */
  readonly severityLevel: number;
}

export interface LiveStateOptions {
  /** Stations beyond this many are not tracked (their readings are counted as dropped): protects Prometheus. */
  readonly maxStations: number;
  /** A station silent for this long is forgotten, so its series go stale and disappear. */
  readonly staleAfterMs: number;
}

/**
 * The latest state of every station this exporter replica owns, from which the gauges are drawn at each
 * scrape. Pure and bounded: at most `maxStations` entries, expired after `staleAfterMs` of silence.
 */
export class LiveSensorState {
  private readonly stations = new Map<string, StationState>();

  constructor(private readonly options: LiveStateOptions) {}

  /** Records a scored reading; returns false if it was dropped because the station cap is reached. */
  update(message: ScoredMessage, partition: number, now: number): boolean {
    const known = this.stations.get(message.stationId);
    if (!known && this.stations.size >= this.options.maxStations) return false;
    const readingTs = Date.parse(message.ts);
    // Out-of-order delivery (after a rebalance) must not roll a station back to an older reading.
    if (known && readingTs < known.readingTs) return true;
    this.stations.set(message.stationId, {
      stationId: message.stationId,
      profile: message.profile,
      partition,
      receivedAt: now,
      readingTs,
      values: message.values,
      zScores: message.verdict.zScores,
      severityLevel: SEVERITY_LEVEL[message.verdict.severity],
    });
    return true;
  }

  /** Forgets stations silent for longer than staleAfterMs; returns how many. */
  expire(now: number): number {
    let expired = 0;
    for (const [id, state] of this.stations) {
      if (now - state.receivedAt > this.options.staleAfterMs) {
        this.stations.delete(id);
        expired += 1;
      }
    }
    return expired;
  }

  /**
   * Forgets stations of partitions this replica no longer owns (after a rebalance), so two replicas never
   * export the same station at once.
   */
  retainPartitions(owned: ReadonlySet<number>): number {
    let released = 0;
    for (const [id, state] of this.stations) {
      if (!owned.has(state.partition)) {
        this.stations.delete(id);
        released += 1;
      }
    }
    return released;
  }

  get size(): number {
    return this.stations.size;
  }

  all(): IterableIterator<StationState> {
    return this.stations.values();
  }
}
