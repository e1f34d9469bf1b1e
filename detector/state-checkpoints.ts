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

/**
 * Stations put to sleep at most at once: each is exported and deflated (some 300 µs) between two chunks,
 * so a fleet that fell silent together goes to sleep over a few checkpoints, not in one long pause.
 */
const SLEEP_SLICE = 100;

/**
 * Time a checkpoint may spend encoding stations between two chunks before it lets the readings go on
 * (`captureSliceMs`). A partition's few hundred stations, some 270 µs each, encoded in one go held the
 * event loop, and with it every partition's readings, for a tenth of a second every few seconds.
 */
const CAPTURE_SLICE_MS = 10;

/** What a checkpoint or restore may wait for Cassandra with: whether to go on, and how to stay in the group. */
export interface WaitContext {
  /** False once the consumer is stopping or lost the partition: give up, leaving the offset uncommitted. */
  isRunning(): boolean;
  /** Keeps the consumer's group membership alive while Cassandra is retried. */
  heartbeat?(): Promise<void>;
}

/**
 * A checkpoint being taken: the stations changed since the last one, encoded a slice at a time between
 * the partition's chunks. Each row carries the offset its station's state holds when encoded, which may
 * be past `through`; a restore skips those readings for that station (they are stored already). The
 * offset committed is the one the checkpoint began at, through which every row holds its readings.
 */
interface Capture {
  readonly stations: readonly string[];
  /** The next of `stations` to encode. */
  next: number;
  readonly rows: StationStateRow[];
  bytes: number;
  readonly through: number;
  readonly startedAt: number;
  /** The partition's failed checkpoints when this one began (see `write`). */
  readonly failuresBefore: number;
}

/** Why a station with a checkpoint row was judged cold instead of restored. */
export const COLD_REASONS = ['version', 'damaged', 'stale'] as const;

/**
 * A partition's progress as checkpoints see it. `storedThrough` is the last offset whose chunk is stored;
 * the stations in `dirty` have changed since the last checkpoint; `through` is each restored station's
 * checkpointed offset, whose readings up to it are already in its state. A station's state is either
 * `awake` (in the models) or `dormant` (held as its deflated checkpoint, a tenth of the memory).
 */
interface PartitionState {
  restored: boolean;
  inFlight: boolean;
  /**
   * Checkpoints begun (being encoded, or taken) and not yet written and committed: after a chunk, none
   * is begun while one is.
   */
  writing: number;
  /** The checkpoint whose stations are still being encoded, a slice after each chunk. */
  capture: Capture | undefined;
  /** Checkpoints of the partition that failed, ever. */
  failures: number;
  /** Where Kafka resumes the partition: its first offset after the restore, then one past each commit. */
  resumeAt: number;
  storedThrough: number;
  checkpointedThrough: number;
  /** When the partition's state was last saved, or found to have nothing unsaved (for the age gauge). */
  checkpointedAt: number;
  /** When its next checkpoint is due: the interval after the last, and staggered after a restore. */
  dueAt: number;
  replayUntil: number;
  /** Stations whose state is in the models, and when each last changed. */
  readonly awake: Map<string, number>;
  /** Stations whose state is saved and held deflated instead: restored and not read since, or idle. */
  readonly dormant: Map<string, Buffer>;
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
  /**
   * Time without a reading after which a station's saved state leaves the models and is held deflated
   * until its next reading (default: never).
   */
  readonly dormantAfterMs?: number;
  readonly metrics: DetectorMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly retry?: { initialMs: number; maxMs: number };
  /** Time a checkpoint may spend encoding stations between two chunks (default 10 ms; 0: one station). */
  readonly captureSliceMs?: number;
  /** The clock slices are timed with, in milliseconds (default `performance.now`). */
  readonly sliceClock?: () => number;
}

/**
 * Each partition's station state, checkpointed to Cassandra with the offset it reflects, and restored
 * when the partition is assigned, the way Kafka Streams restores a state store and Flink a checkpoint:
 *
 * - a checkpoint is taken between chunks of the partition, each once the chunk before is stored, so the
 *   state holds exactly the stored readings. Only the stations that changed are encoded, a slice of them
 *   between each two chunks (a few milliseconds' worth), each row with the offset its station's state
 *   holds. Their rows are written while the partition's next chunks are judged (at most one checkpoint
 *   in flight a partition), so a chunk never waits for Cassandra's answer to a checkpoint. The consumer
 *   offset committed is where the checkpoint began, and only after its rows are written, so it never
 *   runs ahead of the saved state.
 * - on assignment, before any of its readings is judged, the partition's stations are reset to their
 *   checkpointed state. Kafka redelivers from the committed offset; a reading a station's state already
 *   holds (a checkpoint whose rows were written but whose commit was not) is skipped, being stored
 *   already, and every other one is judged again with the same state, so to the same verdict, and
 *   written again to the same row.
 * - a station's state is held as its checkpoint's deflated bytes, not in the models, until the station
 *   is read (Flink's and Kafka Streams' state stores keep cold keys on disk the same way): after a
 *   restore, so a partition is judging again as soon as its rows are read, and once a station has been
 *   silent for `dormantAfterMs` with its state saved, so stations that left the fleet or reported
 *   elsewhere do not hold the heap. Its next reading brings it back exactly as it was.
 */
export class StateCheckpoints {
  private readonly partitions = new Map<number, PartitionState>();
  private readonly now: () => number;
  private readonly retry: { initialMs: number; maxMs: number };
  private readonly captureSliceMs: number;
  private readonly sliceClock: () => number;

  constructor(private readonly options: StateCheckpointsOptions) {
    this.now = options.now ?? (() => Date.now());
    this.retry = options.retry ?? { initialMs: 200, maxMs: 10_000 };
    this.captureSliceMs = options.captureSliceMs ?? CAPTURE_SLICE_MS;
    this.sliceClock = options.sliceClock ?? (() => performance.now());
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
        // Restored before its next chunk: a checkpoint still being encoded would save what that resets.
        state.restored = false;
        this.dropCapture(state);
        continue;
      }
      this.options.core.forgetStations(state.awake.keys());
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

  /**
   * Whether the reading at `offset` is to be judged: not when the station's restored state holds it
   * already (it is stored already). A dormant station's state is put back into the models first.
   */
  admit(partition: number, stationId: string, offset: string): boolean {
    const state = this.partitions.get(partition);
    if (!state) return true;
    const through = state.through.get(stationId);
    if (through !== undefined && Number(offset) <= through) return false;
    // Once a restore's stations have read again a partition often holds none: no lookup per reading then.
    const deflated = state.dormant.size > 0 ? state.dormant.get(stationId) : undefined;
    if (deflated) this.wake(state, stationId, deflated);
    return true;
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
    const now = this.now();
    for (const station of chunk.stations) {
      state.awake.set(station, now);
      state.dirty.add(station);
    }
    state.storedThrough = last;
    if (!state.capture) {
      if (state.writing > 0 || now < state.dueAt) return;
      // At the checkpoints' pace, and before this one takes the dirty stations: the others are saved.
      this.sleepIdle(state);
    }
    // Not awaited: a failed write leaves its stations dirty and the offset uncommitted, for the next one.
    this.checkpoint(partition, state, commit, context, this.captureSliceMs).catch((error) => {
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
    // What is left to encode may hold the abandoned chunk's readings, which are not stored.
    this.dropCapture(state);
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
      // Not when stopping: the process is about to let go of every station anyway.
      if (!now) this.sleepIdle(state);
    }
    const between = [...this.partitions].filter(([, state]) => state.restored && !state.inFlight);
    if (now) {
      await Promise.all(
        between.map(([partition, state]) => this.checkpointAll(partition, state, commit, context)),
      );
      return;
    }
    // A checkpoint being encoded goes on a slice at a time here too, so a partition whose readings
    // paused still finishes it; a busy partition is between two chunks at each tick as well.
    const due = between.filter(
      ([, state]) =>
        state.capture !== undefined ||
        (this.unsaved(state) && state.writing === 0 && this.now() >= state.dueAt),
    );
    await Promise.all(
      due.map(([partition, state]) =>
        this.checkpoint(partition, state, commit, context, this.captureSliceMs),
      ),
    );
  }

  /** The consumer is stopping with the partition's chunks done: saves what is stored, and commits it. */
  async stopping(partition: number, commit: CommitOffset): Promise<void> {
    const state = this.partitions.get(partition);
    if (state?.restored && !state.inFlight)
      await this.checkpointAll(partition, state, commit, { isRunning: () => true });
  }

  /** Stations whose state is in the models, and those held dormant, over the owned partitions (for a gauge). */
  stationCounts(): { awake: number; dormant: number } {
    let awake = 0;
    let dormant = 0;
    for (const state of this.partitions.values()) {
      awake += state.awake.size;
      dormant += state.dormant.size;
    }
    return { awake, dormant };
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
        capture: undefined,
        failures: 0,
        resumeAt: -1,
        storedThrough: -1,
        checkpointedThrough: -1,
        checkpointedAt: this.now(),
        dueAt: this.now() + this.options.intervalMs,
        replayUntil: -1,
        awake: new Map(),
        dormant: new Map(),
        dirty: new Set(),
        through: new Map(),
        chain: Promise.resolve(),
      };
      this.partitions.set(partition, state);
    }
    return state;
  }

  /**
   * Puts the partition's stations back to their checkpointed state: each row is held dormant, and
   * inflated into the models by the station's first reading (see admit). Reading the rows is the whole
   * wait; importing every station here (some 250 µs each) held a rebalanced detector for seconds.
   */
  private async restore(
    partition: number,
    state: PartitionState,
    highWatermark: number,
    context: WaitContext,
  ): Promise<void> {
    // The partition's last checkpoint lands first, whether it is written or fails; one still being
    // encoded is dropped (what it saved the restore is about to reset).
    this.dropCapture(state);
    await state.chain.catch(() => {});
    const started = performance.now();
    const rows = await this.untilDone(
      () => this.options.repository.load(this.where(partition)),
      context,
      'reading',
    );
    const { core, metrics, logger } = this.options;
    core.forgetStations(state.awake.keys());
    state.awake.clear();
    state.dormant.clear();
    state.dirty.clear();
    state.through.clear();
    const cold: Record<(typeof COLD_REASONS)[number], number> = { version: 0, damaged: 0, stale: 0 };
    let newest = -1;
    for (const row of rows) {
      // A model changed shape since the row was written: rebuilt from here on, never misread.
      if (row.version !== STATION_STATE_VERSION) cold.version += 1;
      // Offsets the partition never reached: the state of an earlier topic of the same name.
      else if (row.throughOffset >= highWatermark) cold.stale += 1;
      else {
        state.dormant.set(row.stationId, row.state);
        state.through.set(row.stationId, row.throughOffset);
        newest = Math.max(newest, row.throughOffset);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    state.restored = true;
    state.checkpointedThrough = newest;
    state.storedThrough = newest;
    state.checkpointedAt = this.now();
    state.dueAt = this.now() + this.options.intervalMs * staggeredShare(partition);
    state.replayUntil = highWatermark - 1;
    metrics.stateRestoreSeconds.observe(seconds);
    metrics.stateRestoredStations.inc(state.dormant.size);
    for (const reason of COLD_REASONS)
      if (cold[reason] > 0) metrics.stationsCold.labels(reason).inc(cold[reason]);
    const figures = { partition, stations: state.dormant.size, seconds, newestOffset: newest, highWatermark };
    if (cold.version + cold.stale > 0) {
      logger.warn('restored partition state; some stations start cold', { ...figures, cold });
    } else {
      logger.info('restored partition state', figures);
    }
  }

  /** Puts a dormant station's state back into the models; a row that cannot be read leaves it cold. */
  private wake(state: PartitionState, stationId: string, deflated: Buffer): void {
    state.dormant.delete(stationId);
    state.awake.set(stationId, this.now());
    try {
      this.options.core.importStations(inflateRawSync(deflated));
      this.options.metrics.stationsWoken.inc();
    } catch (error) {
      this.options.metrics.stationsCold.labels('damaged').inc();
      this.options.logger.warn('a station’s checkpointed state could not be read; it starts cold', {
        station: stationId,
        error,
      });
    }
  }

  /**
   * Moves stations silent for `dormantAfterMs` out of the models, each held as its deflated state. Only
   * between chunks and with no checkpoint being written: a station not dirty then has its state saved
   * and in no write that could fail, so its bytes here are its saved row's, and no checkpoint needs it.
   */
  private sleepIdle(state: PartitionState): void {
    const after = this.options.dormantAfterMs;
    if (after === undefined || !state.restored || state.inFlight || state.writing > 0) return;
    const cutoff = this.now() - after;
    const idle: string[] = [];
    for (const [station, changedAt] of state.awake) {
      if (changedAt > cutoff || state.dirty.has(station)) continue;
      idle.push(station);
      if (idle.length === SLEEP_SLICE) break;
    }
    if (idle.length === 0) return;
    const { core, metrics } = this.options;
    for (const [station, encoded] of core.exportEachStation(idle))
      state.dormant.set(station, deflateRawSync(encoded, { level: 1 }));
    core.forgetStations(idle);
    for (const station of idle) state.awake.delete(station);
    metrics.stationsSlept.inc(idle.length);
  }

  /**
   * Encodes the partition's changed stations, taking a checkpoint if none is being encoded: for at most
   * `sliceMs` (then the rest after the next chunks), or all of them. Once all are encoded, their rows are
   * written and the offset the checkpoint began at is committed, after the partition's checkpoints
   * before it; resolves (or rejects) with that write. Called only between two chunks of the partition.
   */
  private checkpoint(
    partition: number,
    state: PartitionState,
    commit: CommitOffset,
    context: WaitContext,
    sliceMs = Number.POSITIVE_INFINITY,
  ): Promise<void> {
    if (!state.capture) {
      if (!this.unsaved(state)) return state.chain;
      state.capture = {
        stations: [...state.dirty],
        next: 0,
        rows: [],
        bytes: 0,
        through: state.storedThrough,
        startedAt: performance.now(),
        failuresBefore: state.failures,
      };
      state.dirty = new Set();
      state.writing += 1;
    }
    const capture = state.capture;
    this.encodeSlice(capture, state.storedThrough, sliceMs);
    if (capture.next < capture.stations.length) return Promise.resolve();
    state.capture = undefined;
    return this.write(partition, state, capture, commit, context);
  }

  /** Finishes the checkpoint being encoded, if any, then checkpoints whatever changed since it began. */
  private checkpointAll(
    partition: number,
    state: PartitionState,
    commit: CommitOffset,
    context: WaitContext,
  ): Promise<void> {
    if (state.capture) this.checkpoint(partition, state, commit, context).catch(() => {});
    return this.checkpoint(partition, state, commit, context);
  }

  /**
   * Encodes the capture's next stations until `sliceMs` have passed (at least one station), each row
   * with `storedThrough`: the state in the models now holds exactly the readings stored up to it.
   */
  private encodeSlice(capture: Capture, storedThrough: number, sliceMs: number): void {
    const { core } = this.options;
    const until = this.sliceClock() + sliceMs;
    while (capture.next < capture.stations.length) {
      const station = capture.stations[capture.next] as string;
      capture.next += 1;
      for (const [stationId, encoded] of core.exportEachStation([station])) {
        // Deflated at its fastest level: a station's state shrinks some seven times (long runs of zeros
        // and repeated field names), for about half the time its export takes.
        const state = deflateRawSync(encoded, { level: 1 });
        capture.rows.push({ stationId, throughOffset: storedThrough, version: STATION_STATE_VERSION, state });
        capture.bytes += state.length;
      }
      if (this.sliceClock() >= until) return;
    }
  }

  /** Writes an encoded checkpoint's rows, then commits the offset it began at; see `checkpoint`. */
  private write(
    partition: number,
    state: PartitionState,
    capture: Capture,
    commit: CommitOffset,
    context: WaitContext,
  ): Promise<void> {
    const { metrics } = this.options;
    const { rows, through } = capture;
    const run = async () => {
      try {
        // Taken while an earlier one was being written, which then failed (only when stopping): that
        // one's stations are not in this one, so committing this one's offset would skip their readings.
        if (state.failures > capture.failuresBefore)
          throw new Error('an earlier checkpoint of the partition failed after this one was taken');
        await this.untilDone(
          () => this.options.repository.save(this.where(partition), rows),
          context,
          'writing',
        );
        for (const row of rows) state.through.set(row.stationId, row.throughOffset);
      } catch (error) {
        // Not saved: the stations stay to be saved by the next checkpoint, the offset uncommitted.
        for (const station of capture.stations) state.dirty.add(station);
        state.failures += 1;
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
      metrics.checkpointSeconds.observe((performance.now() - capture.startedAt) / 1000);
      metrics.checkpointBytes.inc(capture.bytes);
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

  /**
   * Forgets a checkpoint still being encoded: nothing of it was written or committed. Its stations are
   * unsaved again: a checkpoint taken before the restore (after a chunk that was in flight at a rejoin)
   * must hold them too, or its commit would pass their unsaved readings.
   */
  private dropCapture(state: PartitionState): void {
    if (!state.capture) return;
    for (const station of state.capture.stations) state.dirty.add(station);
    state.capture = undefined;
    state.writing -= 1;
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
