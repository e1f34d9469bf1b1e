import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Logger } from '../common/logger.js';
import { retryWithBackoff } from '../common/retry.js';
import { STATION_STATE_VERSION } from '../scoring/station-state.js';
import { RepositoryError } from '../storage/reading.repository.js';
import type { StationStateRepository, StationStateRow } from '../storage/station-state.repository.js';
import { ChunkAbandonedError } from './detector.js';
import type { DetectorMetrics } from './metrics.js';

/** What checkpoints need of the scoring core: its station state, out and in. */
export interface StationStateCore {
  exportEachStation(stations: Iterable<string>): Map<string, Buffer>;
  importStations(encoded: Buffer): string[];
  forgetStations(stations: Iterable<string>): void;
}

/** Commits a partition's consumer offset: the next offset to read, i.e. one past the checkpoint's. */
export type CommitOffset = (partition: number, nextOffset: string) => Promise<void>;

/**
 * Spreads the partitions' first checkpoints after a restore over the interval (by the golden ratio's
 * fraction, which spreads any run of partition numbers evenly). Restored together, they would otherwise
 * all come due together: a dozen partitions' 3 000 stations encoded at once (some 270 µs each) would hold
 * the event loop for most of a second, and send Cassandra thousands of rows at once.
 */
export function staggeredShare(partition: number): number {
  return 1 - ((partition * 0.618_033_988_75) % 1);
}

/** Stations imported between two yields to the event loop during a restore. */
const IMPORT_SLICE = 50;

/** What a checkpoint or restore may wait for Cassandra with: whether to go on, and how to stay in the group. */
export interface WaitContext {
  /** False once the consumer is stopping or lost the partition: give up, leaving the offset uncommitted. */
  isRunning(): boolean;
  /** Keeps the consumer's group membership alive while Cassandra is retried. */
  heartbeat?(): Promise<void>;
}

/** Why a station with a checkpoint row was judged cold instead of restored. */
export const COLD_REASONS = ['version', 'damaged', 'stale'] as const;

/**
 * A partition's progress as checkpoints see it. `storedThrough` is the last offset whose chunk is stored;
 * the stations in `dirty` have changed since the last checkpoint; `through` is each restored station's
 * checkpointed offset, whose readings up to it are already in its state.
 */
interface PartitionState {
  restored: boolean;
  inFlight: boolean;
  /** Checkpoints taken and not yet written and committed: after a chunk, none is taken while one is. */
  writing: number;
  /** Where Kafka resumes the partition: its first offset after the restore, then one past each commit. */
  resumeAt: number;
  storedThrough: number;
  checkpointedThrough: number;
  /** When the partition's state was last saved, or found to have nothing unsaved (for the age gauge). */
  checkpointedAt: number;
  /** When its next checkpoint is due: the interval after the last, and staggered after a restore. */
  dueAt: number;
  replayUntil: number;
  readonly known: Set<string>;
  dirty: Set<string>;
  readonly through: Map<string, number>;
  /** Checkpoints of the partition run one after another, so a later one's rows and commit land last. */
  chain: Promise<void>;
}

export interface StateCheckpointsOptions {
  readonly core: StationStateCore;
  readonly repository: StationStateRepository;
  readonly groupId: string;
  readonly topic: string;
  /** Least time between two checkpoints of a partition. */
  readonly intervalMs: number;
  readonly metrics: DetectorMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly retry?: { initialMs: number; maxMs: number };
}

/**
 * Each partition's station state, checkpointed to Cassandra with the offset it reflects, and restored
 * when the partition is assigned, the way Kafka Streams restores a state store and Flink a checkpoint:
 *
 * - a checkpoint is taken between two chunks of the partition, once the chunk before is stored: the
 *   state then holds exactly the readings up to that offset, all of them stored. Only the stations that
 *   changed are encoded, each with that offset. Their rows are written while the partition's next chunks
 *   are judged (at most one checkpoint in flight a partition), so a chunk never waits for Cassandra's
 *   answer to a checkpoint. The consumer offset is committed only after the rows are written, so it never
 *   runs ahead of the saved state.
 * - on assignment, before any of its readings is judged, the partition's stations are reset to their
 *   checkpointed state. Kafka redelivers from the committed offset; a reading a station's state already
 *   holds (a checkpoint whose rows were written but whose commit was not) is skipped, being stored
 *   already, and every other one is judged again with the same state, so to the same verdict, and
 *   written again to the same row.
 */
export class StateCheckpoints {
  private readonly partitions = new Map<number, PartitionState>();
  /** Imports of restored partitions run one at a time (see restore). */
  private restoring: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly retry: { initialMs: number; maxMs: number };

  constructor(private readonly options: StateCheckpointsOptions) {
    this.now = options.now ?? (() => Date.now());
    this.retry = options.retry ?? { initialMs: 200, maxMs: 10_000 };
  }

  /**
   * The group was (re)joined with these partitions. Each is restored again before its next chunk: Kafka
   * resumes it at the committed offset, where the state in memory may have moved past. Partitions that
   * went elsewhere are forgotten, their stations' state with them.
   */
  assigned(partitions: readonly number[]): void {
    const kept = new Set(partitions);
    for (const [partition, state] of this.partitions) {
      if (kept.has(partition)) {
        state.restored = false;
        continue;
      }
      this.options.core.forgetStations(state.known);
      this.partitions.delete(partition);
    }
  }

  /**
   * Restores the partition's stations if this assignment has not yet, before the chunk starting at
   * `firstOffset` is judged; resolves once they are in place.
   */
  async beforeChunk(
    partition: number,
    batch: { readonly firstOffset: string; readonly highWatermark: string },
    context: WaitContext,
  ): Promise<void> {
    const state = this.partitionState(partition);
    if (!state.restored) {
      await this.restore(partition, state, Number(batch.highWatermark), context);
      state.resumeAt = Number(batch.firstOffset);
    }
    state.inFlight = true;
  }

  /** Whether the station's restored state already holds the reading at `offset` (it is stored already). */
  alreadyApplied(partition: number, stationId: string, offset: string): boolean {
    const through = this.partitions.get(partition)?.through.get(stationId);
    return through !== undefined && Number(offset) <= through;
  }

  /**
   * The chunk ending at `lastOffset` is stored; `stations` are those whose state it changed. Takes a
   * checkpoint if the partition's is due and none is being written: its state is encoded now, its rows
   * written and its offset committed in the background (see `written`).
   */
  afterChunk(
    partition: number,
    chunk: { readonly stations: Iterable<string>; readonly lastOffset: string; readonly handled: number },
    commit: CommitOffset,
    context: WaitContext,
  ): void {
    const state = this.partitionState(partition);
    state.inFlight = false;
    const last = Number(chunk.lastOffset);
    const replayed = Math.min(chunk.handled, Math.max(0, state.replayUntil - (last - chunk.handled)));
    if (replayed > 0) this.options.metrics.stateReplayed.inc(replayed);
    for (const station of chunk.stations) {
      state.known.add(station);
      state.dirty.add(station);
    }
    state.storedThrough = last;
    if (state.writing > 0 || this.now() < state.dueAt) return;
    // Not awaited: a failed write leaves its stations dirty and the offset uncommitted, for the next one.
    this.checkpoint(partition, state, commit, context).catch((error) => {
      if (error instanceof ChunkAbandonedError) return;
      this.options.logger.warn('a checkpoint failed; the next one saves its stations', { partition, error });
    });
  }

  /**
   * Resolves once the partition's checkpoints taken so far are written and their offset committed;
   * rejects if the last of them failed. For tests and benchmarks; a restore waits on the same chain.
   */
  written(partition: number): Promise<void> {
    return this.partitions.get(partition)?.chain ?? Promise.resolve();
  }

  /** Resolves once every partition's checkpoints taken so far have been written or have failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.partitions.values()].map((state) => state.chain.catch(() => {})));
  }

  /**
   * A chunk failed or was abandoned: what it taught the stations may not be stored, so the partition is
   * restored before its next chunk. Returns the offset to resume it from, the one its restored state
   * continues from (Kafka would otherwise resume after the last chunk stored).
   */
  chunkAbandoned(partition: number): string | undefined {
    const state = this.partitions.get(partition);
    if (!state) return undefined;
    state.inFlight = false;
    state.restored = false;
    return state.resumeAt >= 0 ? String(state.resumeAt) : undefined;
  }

  /**
   * Checkpoints every partition with unsaved changes, no chunk in hand and no checkpoint being written
   * whose checkpoint is due (or, `now`, whatever its age and in any case: before stopping).
   */
  async checkpointIdle(commit: CommitOffset, context: WaitContext, now = false): Promise<void> {
    // A partition with nothing unsaved is as good as checkpointed now: its age measures unsaved changes.
    for (const state of this.partitions.values()) {
      if (state.restored && !state.inFlight && !this.unsaved(state)) state.checkpointedAt = this.now();
    }
    const due = [...this.partitions].filter(
      ([, state]) =>
        state.restored &&
        !state.inFlight &&
        this.unsaved(state) &&
        (now || (state.writing === 0 && this.now() >= state.dueAt)),
    );
    await Promise.all(due.map(([partition, state]) => this.checkpoint(partition, state, commit, context)));
  }

  /** The consumer is stopping with the partition's chunks done: saves what is stored, and commits it. */
  async stopping(partition: number, commit: CommitOffset): Promise<void> {
    const state = this.partitions.get(partition);
    if (state?.restored && !state.inFlight)
      await this.checkpoint(partition, state, commit, { isRunning: () => true });
  }

  /** Seconds each owned partition's state has had changes not yet saved (0 when there are none), for the age gauge. */
  ages(): Map<number, number> {
    const ages = new Map<number, number>();
    for (const [partition, state] of this.partitions) {
      if (state.restored) ages.set(partition, (this.now() - state.checkpointedAt) / 1000);
    }
    return ages;
  }

  private unsaved(state: PartitionState): boolean {
    return state.dirty.size > 0 || state.storedThrough > state.checkpointedThrough;
  }

  private partitionState(partition: number): PartitionState {
    let state = this.partitions.get(partition);
    if (!state) {
      state = {
        restored: false,
        inFlight: false,
        writing: 0,
        resumeAt: -1,
        storedThrough: -1,
        checkpointedThrough: -1,
        checkpointedAt: this.now(),
        dueAt: this.now() + this.options.intervalMs,
        replayUntil: -1,
        known: new Set(),
        dirty: new Set(),
        through: new Map(),
        chain: Promise.resolve(),
      };
      this.partitions.set(partition, state);
    }
    return state;
  }

  /**
   * Puts the partition's stations back to their checkpointed state. Imports run one at a time, yielding
   * every few rows: importing is CPU work (under a millisecond a station), and a dozen partitions imported
   * at once would hold the event loop for seconds, past the timeouts of the reads still waiting and of
   * the group's heartbeats.
   */
  private async restore(
    partition: number,
    state: PartitionState,
    highWatermark: number,
    context: WaitContext,
  ): Promise<void> {
    // The partition's last checkpoint lands first, whether it is written or fails.
    await state.chain.catch(() => {});
    const started = performance.now();
    // Reads run side by side; imports one after another.
    const rows = await this.untilDone(
      () => this.options.repository.load(this.where(partition)),
      context,
      'reading',
    );
    const run = () => this.importPartition(partition, state, rows, highWatermark, context, started);
    const imported = this.restoring.then(run, run);
    this.restoring = imported.catch(() => {});
    return imported;
  }

  private async importPartition(
    partition: number,
    state: PartitionState,
    rows: readonly StationStateRow[],
    highWatermark: number,
    context: WaitContext,
    started: number,
  ): Promise<void> {
    const { core, metrics, logger } = this.options;
    core.forgetStations(state.known);
    state.known.clear();
    state.dirty.clear();
    state.through.clear();
    const cold: Record<(typeof COLD_REASONS)[number], number> = { version: 0, damaged: 0, stale: 0 };
    let newest = -1;
    for (const [i, row] of rows.entries()) {
      if (i > 0 && i % IMPORT_SLICE === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        await context.heartbeat?.().catch(() => {});
      }
      const reason = this.importRow(row, highWatermark);
      if (reason) {
        cold[reason] += 1;
        continue;
      }
      state.known.add(row.stationId);
      state.through.set(row.stationId, row.throughOffset);
      newest = Math.max(newest, row.throughOffset);
    }
    const seconds = (performance.now() - started) / 1000;
    state.restored = true;
    state.checkpointedThrough = newest;
    state.storedThrough = newest;
    state.checkpointedAt = this.now();
    state.dueAt = this.now() + this.options.intervalMs * staggeredShare(partition);
    state.replayUntil = highWatermark - 1;
    metrics.stateRestoreSeconds.observe(seconds);
    metrics.stateRestoredStations.inc(state.known.size);
    for (const reason of COLD_REASONS)
      if (cold[reason] > 0) metrics.stationsCold.labels(reason).inc(cold[reason]);
    const coldStations = cold.version + cold.damaged + cold.stale;
    const figures = { partition, stations: state.known.size, seconds, newestOffset: newest, highWatermark };
    if (coldStations > 0) {
      logger.warn('restored partition state; some stations start cold', { ...figures, cold });
    } else {
      logger.info('restored partition state', figures);
    }
  }

  /** Puts one station's row in place; says why not when it cannot be. */
  private importRow(row: StationStateRow, highWatermark: number): (typeof COLD_REASONS)[number] | undefined {
    // A model changed shape since the row was written: rebuilt from here on, never misread.
    if (row.version !== STATION_STATE_VERSION) return 'version';
    // Offsets the partition never reached: the state of an earlier topic of the same name.
    if (row.throughOffset >= highWatermark) return 'stale';
    try {
      this.options.core.importStations(inflateRawSync(row.state));
      return undefined;
    } catch (error) {
      this.options.logger.warn('a station’s checkpointed state could not be read; it starts cold', {
        station: row.stationId,
        error,
      });
      return 'damaged';
    }
  }

  private checkpoint(
    partition: number,
    state: PartitionState,
    commit: CommitOffset,
    context: WaitContext,
  ): Promise<void> {
    const through = state.storedThrough;
    if (!this.unsaved(state)) return state.chain;
    // Taken now, between chunks: the state holds exactly the stored readings up to `through`.
    const started = performance.now();
    const changed = state.dirty;
    state.dirty = new Set();
    const rows: StationStateRow[] = [];
    let bytes = 0;
    for (const [stationId, encoded] of this.options.core.exportEachStation(changed)) {
      // Deflated at its fastest level: a station's state shrinks some seven times (long runs of zeros and
      // repeated field names), for about half the time its export takes.
      const deflated = deflateRawSync(encoded, { level: 1 });
      rows.push({ stationId, throughOffset: through, version: STATION_STATE_VERSION, state: deflated });
      bytes += deflated.length;
    }
    const { metrics } = this.options;
    state.writing += 1;
    const run = async () => {
      try {
        await this.untilDone(
          () => this.options.repository.save(this.where(partition), rows),
          context,
          'writing',
        );
        for (const row of rows) state.through.set(row.stationId, through);
      } catch (error) {
        // Not saved: the stations stay to be saved by the next checkpoint, the offset uncommitted.
        for (const station of changed) state.dirty.add(station);
        metrics.checkpointErrors.inc();
        throw error;
      }
      state.checkpointedThrough = Math.max(state.checkpointedThrough, through);
      state.checkpointedAt = this.now();
      state.dueAt = state.checkpointedAt + this.options.intervalMs;
      // The state is saved; a commit that fails (the group moved on while Cassandra was away) only leaves
      // the offset behind it, which a restore handles. Not thrown: several partitions' failed commits at
      // once would crash the consumer, where its next heartbeat makes it rejoin the group cleanly.
      try {
        await commit(partition, String(through + 1));
        state.resumeAt = Math.max(state.resumeAt, through + 1);
      } catch (error) {
        this.options.logger.warn('committing a checkpoint’s offset failed; the next checkpoint commits', {
          partition,
          error,
        });
      }
      metrics.checkpointSeconds.observe((performance.now() - started) / 1000);
      metrics.checkpointBytes.inc(bytes);
      metrics.checkpointStations.inc(rows.length);
    };
    state.chain = state.chain
      .catch(() => {})
      .then(run)
      .finally(() => {
        state.writing -= 1;
      });
    return state.chain;
  }

  /** Retries a Cassandra call with backoff, as the readings' writes are; gives up only when stopping. */
  private untilDone<T>(call: () => Promise<T>, context: WaitContext, what: string): Promise<T> {
    return retryWithBackoff(call, {
      ...this.retry,
      isRetriable: (error) => !(error instanceof RepositoryError) || error.retriable,
      onRetry: (error, backoffMs) => {
        this.options.logger.warn(`${what} station state failed; retrying`, { error, backoffMs });
        if (!context.isRunning()) throw new ChunkAbandonedError();
      },
      beforeAttempt: async () => {
        await context.heartbeat?.().catch(() => {});
        if (!context.isRunning()) throw new ChunkAbandonedError();
      },
    });
  }

  private where(partition: number) {
    return { groupId: this.options.groupId, topic: this.options.topic, partition };
  }
}
