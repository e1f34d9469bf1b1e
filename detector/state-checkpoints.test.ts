import { describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.js';
import { profileOf } from '../common/reading/profiles.js';
import { encodeReading } from '../common/reading/reading.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { SimulatedStation } from '../simulation/station.js';
import { RepositoryError } from '../storage/reading.repository.js';
import type {
  PartitionRef,
  StationStateRepository,
  StationStateRow,
} from '../storage/station-state.repository.js';
import { createDetectorMetrics } from './metrics.js';
import { processMessages, type RawMessage } from './process-messages.js';
import { type CommitOffset, StateCheckpoints, staggeredShare } from './state-checkpoints.js';

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const STEP_MS = 60_000;
const PARTITION = 2;
const CHUNK = 50;

/**
 * One partition's log: four stations of two profiles, a reading each a minute, with labelled episodes.
 * `silent` takes one station's readings out for a stretch of minutes.
 */
function partitionLog(
  readingsPerStation: number,
  silent?: { station: number; from: number; to: number },
): RawMessage[] {
  const stations = ['factory', 'factory', 'environment', 'site_meters'].map(
    (profile, i) =>
      new SimulatedStation({
        stationId: `cp-${profile}-${i}`,
        profile,
        profileSpec: profileOf(profile),
        anomalyRate: 0.02,
        originTs: ORIGIN,
      }),
  );
  const log: RawMessage[] = [];
  for (let t = 0; t < readingsPerStation; t++) {
    for (const [i, station] of stations.entries()) {
      if (silent && i === silent.station && t >= silent.from && t < silent.to) continue;
      const reading = station.readingAt(ORIGIN + t * STEP_MS);
      log.push({
        key: Buffer.from(reading.stationId),
        value: encodeReading(reading),
        partition: PARTITION,
        offset: String(log.length),
      });
    }
  }
  return log;
}

/** Station state kept as Cassandra keeps it: per station, the write with the highest offset wins. */
class RowsByStation implements StationStateRepository {
  readonly rows = new Map<string, StationStateRow>();
  /** Fails the writes once this many rows have been written (a crash mid-checkpoint). */
  failAfterRows = Number.POSITIVE_INFINITY;
  /** Fails this many writes whole, the ones after it succeeding. */
  failSaves = 0;

  async save(_where: PartitionRef, rows: readonly StationStateRow[]): Promise<void> {
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new RepositoryError('Cassandra timed out', false);
    }
    for (const row of rows) {
      if (this.failAfterRows-- <= 0) throw new RepositoryError('the detector died mid-checkpoint', false);
      const held = this.rows.get(row.stationId);
      if (!held || held.throughOffset <= row.throughOffset) this.rows.set(row.stationId, row);
    }
  }

  async load(): Promise<StationStateRow[]> {
    return [...this.rows.values()];
  }
}

/** Rows whose writes wait, while `hold` is set, until released: a slow Cassandra. */
class HeldRows extends RowsByStation {
  hold = false;
  saves = 0;
  private readonly waiting: Array<() => void> = [];

  override async save(where: PartitionRef, rows: readonly StationStateRow[]): Promise<void> {
    this.saves += 1;
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.save(where, rows);
  }

  get held(): number {
    return this.waiting.length;
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/** A detector's process: its own core and checkpoints over the shared repository. */
function detectorProcess(
  repository: StationStateRepository,
  clock: { now: number },
  dormantAfterMs?: number,
  // Every changed station encoded at once unless a test says otherwise: a slice of time would make the
  // chunks a checkpoint spans depend on the machine's speed.
  captureSliceMs = Number.POSITIVE_INFINITY,
  sliceClock?: () => number,
) {
  const core = createScoringCore({ without: ['kmeans', 'isolation_forest'] });
  const metrics = createDetectorMetrics();
  const checkpoints = new StateCheckpoints({
    core,
    repository,
    groupId: 'g',
    topic: 't',
    intervalMs: 5 * 60_000,
    ...(dormantAfterMs === undefined ? {} : { dormantAfterMs }),
    captureSliceMs,
    ...(sliceClock ? { sliceClock } : {}),
    metrics,
    logger: createLogger({}, 'error'),
    now: () => clock.now,
    retry: { initialMs: 1, maxMs: 1 },
  });
  checkpoints.assigned([PARTITION]);
  return { core, checkpoints, metrics };
}

type Verdicts = Map<string, string>;

/**
 * Judges one chunk the way the consumer does: restored first if need be, then scored, then handed to the
 * checkpoints (which may start writing one in the background). Records every stored verdict by offset (a
 * later write of an offset replaces the earlier, as a Cassandra row does).
 */
async function consumeChunk(
  process: ReturnType<typeof detectorProcess>,
  chunk: readonly RawMessage[],
  stored: Verdicts,
  commit: CommitOffset,
  highWatermark = log.length,
): Promise<void> {
  await process.checkpoints.beforeChunk(
    PARTITION,
    { firstOffset: (chunk[0] as RawMessage).offset, highWatermark: String(highWatermark) },
    { isRunning: () => true },
  );
  judgeChunk(process, chunk, stored, commit);
}

/** The rest of a chunk's handling, once it is in hand: scored, its verdicts stored, handed to the checkpoints. */
function judgeChunk(
  process: ReturnType<typeof detectorProcess>,
  chunk: readonly RawMessage[],
  stored: Verdicts,
  commit: CommitOffset,
): void {
  const last = chunk[chunk.length - 1] as RawMessage;
  const { scored, rejected } = processMessages(
    chunk,
    process.core,
    'v',
    ORIGIN + 30 * 86_400_000,
    undefined,
    (message, station) => process.checkpoints.admit(PARTITION, station, message.offset),
  );
  expect(rejected).toEqual([]);
  for (const one of scored) {
    const { isAnomaly, severity, score } = one.verdict;
    stored.set(one.source?.offset ?? '', JSON.stringify({ isAnomaly, severity, score }));
  }
  process.checkpoints.afterChunk(
    PARTITION,
    {
      stations: new Set(scored.map((s) => s.reading.stationId)),
      lastOffset: last.offset,
      handled: chunk.length,
    },
    commit,
    { isRunning: () => true },
  );
}

/**
 * Consumes the log from `from`, chunk by chunk, each chunk's checkpoint written before the next (as
 * under a fast Cassandra). Stops after `stopAfter` chunks, or dies with a checkpoint that failed;
 * returns the committed offset.
 */
async function consume(
  process: ReturnType<typeof detectorProcess>,
  from: number,
  stored: Verdicts,
  clock: { now: number },
  stopAfter = Number.POSITIVE_INFINITY,
  messages = log,
): Promise<{ committed: number }> {
  let committed = from;
  const commit = async (_partition: number, next: string) => {
    committed = Number(next);
  };
  let chunks = 0;
  for (let start = from; start < messages.length && chunks < stopAfter; start += CHUNK, chunks++) {
    clock.now += 60_000;
    await consumeChunk(process, messages.slice(start, start + CHUNK), stored, commit, messages.length);
    const saved = await process.checkpoints.written(PARTITION).then(
      () => true,
      () => false,
    );
    if (!saved) break;
  }
  return { committed };
}

const log = partitionLog(1_500);

let uninterrupted: Verdicts | undefined;

/** The verdicts of one detector that never stops, consumed once for every test that compares with them. */
async function uninterruptedVerdicts(): Promise<Verdicts> {
  if (!uninterrupted) {
    uninterrupted = new Map();
    await consume(detectorProcess(new RowsByStation(), { now: 0 }), 0, uninterrupted, { now: 0 });
  }
  return uninterrupted;
}

/** Every offset was stored, each with the verdict of the detector that never stopped. */
function expectUninterrupted(stored: Verdicts, expected: Verdicts): void {
  expect(stored.size).toBe(expected.size);
  const differing = [...expected].filter(([offset, verdict]) => stored.get(offset) !== verdict);
  expect(differing).toEqual([]);
}

/** A commit callback that remembers the last offset committed. */
function recordedCommits() {
  const record = { committed: 0, commit: (async () => {}) as CommitOffset };
  record.commit = async (_partition, next) => {
    record.committed = Number(next);
  };
  return record;
}

/** Station 3 of the log reads nothing from minute 300 (offset 1 200, chunk 24) until minute 900. */
const quietLog = partitionLog(1_500, { station: 3, from: 300, to: 900 });
let quietUninterrupted: Verdicts | undefined;

/** The verdicts of one detector that never stops, over `quietLog`. */
async function quietVerdicts(): Promise<Verdicts> {
  if (!quietUninterrupted) {
    quietUninterrupted = new Map();
    const never = detectorProcess(new RowsByStation(), { now: 0 });
    await consume(never, 0, quietUninterrupted, { now: 0 }, Number.POSITIVE_INFINITY, quietLog);
  }
  return quietUninterrupted;
}

/**
 * Twenty chunks checkpointed, the first station's row then changed by `alter`, and a fresh detector
 * given the partition (restored, nothing read yet).
 */
async function restartedWithOneRow(alter: (row: StationStateRow) => StationStateRow) {
  const repository = new RowsByStation();
  const clock = { now: 0 };
  await consume(detectorProcess(repository, clock), 0, new Map(), clock, 20);
  const [first] = [...repository.rows.values()];
  if (!first) throw new Error('no checkpoint was written');
  repository.rows.set(first.stationId, alter(first));
  const restarted = detectorProcess(repository, clock);
  await restarted.checkpoints.beforeChunk(
    PARTITION,
    { firstOffset: '0', highWatermark: String(log.length) },
    { isRunning: () => true },
  );
  return { repository, first, restarted };
}

describe('state checkpoints', () => {
  it('when detectors die between checkpoints and mid-checkpoint, then every stored verdict is the uninterrupted one', async () => {
    const expected = await uninterruptedVerdicts();

    const repository = new RowsByStation();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    // Dies between checkpoints: its successor restores and replays from the last commit.
    let { committed } = await consume(detectorProcess(repository, clock), 0, stored, clock, 37);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(37 * CHUNK);
    // Dies mid-checkpoint: some stations' rows are newer than the committed offset.
    repository.failAfterRows = 2;
    const second = await consume(detectorProcess(repository, clock), committed, stored, clock, 45);
    const partlyWritten = [...repository.rows.values()].filter((r) => r.throughOffset >= second.committed);
    expect(partlyWritten.length).toBeGreaterThan(0);
    repository.failAfterRows = Number.POSITIVE_INFINITY;
    ({ committed } = second);
    await consume(detectorProcess(repository, clock), committed, stored, clock);

    expectUninterrupted(stored, expected);
    expect([...expected.values()].filter((v) => v.includes('"isAnomaly":true')).length).toBeGreaterThan(20);
  }, 60_000);

  it('when chunks are judged while a checkpoint is written and the write fails half-way, then only the next checkpoint commits and a successor stores the uninterrupted verdicts', async () => {
    const expected = await uninterruptedVerdicts();

    const repository = new HeldRows();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    const first = detectorProcess(repository, clock);
    const { committed: before } = await consume(first, 0, stored, clock, 12);
    expect(before).toBeGreaterThan(0);

    // Cassandra slows down: twenty chunks go on being judged behind one checkpoint, and no other is taken.
    let committedLater = before;
    const commit: CommitOffset = async (_partition, next) => {
      committedLater = Number(next);
    };
    repository.hold = true;
    const saves = repository.saves;
    for (let chunk = 12; chunk < 32; chunk++) {
      clock.now += 60_000;
      await consumeChunk(first, log.slice(chunk * CHUNK, (chunk + 1) * CHUNK), stored, commit);
    }
    expect(repository.held).toBe(1);
    expect(committedLater).toBe(before);

    // Its rows land in part, and it fails: nothing is committed; the next checkpoint saves its stations.
    repository.failAfterRows = 2;
    repository.release();
    await expect(first.checkpoints.written(PARTITION)).rejects.toThrow(RepositoryError);
    expect(repository.saves).toBe(saves + 1);
    expect(committedLater).toBe(before);
    repository.failAfterRows = Number.POSITIVE_INFINITY;
    clock.now += 5 * 60_000;
    await consumeChunk(first, log.slice(32 * CHUNK, 33 * CHUNK), stored, commit);
    await first.checkpoints.written(PARTITION);
    expect(committedLater).toBe(33 * CHUNK);

    // It dies after six more chunks, none of them checkpointed; a successor takes over from the commit.
    for (let chunk = 33; chunk < 39; chunk++) {
      clock.now += 10_000;
      await consumeChunk(first, log.slice(chunk * CHUNK, (chunk + 1) * CHUNK), stored, commit);
    }
    expect(committedLater).toBe(33 * CHUNK);
    await consume(detectorProcess(repository, clock), committedLater, stored, clock);

    expectUninterrupted(stored, expected);
  }, 60_000);

  it('when a checkpoint’s stations are encoded one between each two chunks, then it commits the offset it began at once all are written, and successors of detectors stopped mid-encoding store the uninterrupted verdicts', async () => {
    const expected = await uninterruptedVerdicts();
    const repository = new RowsByStation();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    const oneAChunk = () => detectorProcess(repository, clock, undefined, 0);

    // Chunk by chunk, what was committed after each and the offsets the rows then held.
    const first = oneAChunk();
    let committed = 0;
    const commit: CommitOffset = async (_partition, next) => {
      committed = Number(next);
    };
    const commits: number[] = [];
    const rowOffsets: number[][] = [];
    for (let chunk = 0; chunk < 8; chunk++) {
      clock.now += 60_000;
      await consumeChunk(first, log.slice(chunk * CHUNK, (chunk + 1) * CHUNK), stored, commit);
      await first.checkpoints.written(PARTITION);
      commits.push(committed);
      rowOffsets.push([...repository.rows.values()].map((row) => row.throughOffset).sort((a, b) => a - b));
    }
    // The first checkpoint comes due after some chunks, encodes a station after each of four chunks, and
    // only then writes its rows and commits the offset it began at. Each row holds its own offset.
    const began = commits.findIndex((offset) => offset > 0) - 3;
    expect(began).toBeGreaterThan(0);
    expect(commits.slice(0, began + 3).every((offset) => offset === 0)).toBe(true);
    expect(commits[began + 3]).toBe((began + 1) * CHUNK);
    expect(rowOffsets[began + 3]).toEqual([0, 1, 2, 3].map((k) => (began + 1 + k) * CHUNK - 1));

    // The next is due an interval (five chunks) after that write, at chunk began + 8; stopped after
    // began + 9, it has encoded two stations and written nothing: the commit and the rows stand.
    const rowsThen = [...repository.rows.values()];
    for (let chunk = 8; chunk <= began + 9; chunk++) {
      clock.now += 60_000;
      await consumeChunk(first, log.slice(chunk * CHUNK, (chunk + 1) * CHUNK), stored, commit);
      await first.checkpoints.written(PARTITION);
    }
    expect(committed).toBe((began + 1) * CHUNK);
    expect([...repository.rows.values()]).toEqual(rowsThen);
    const midway = oneAChunk();
    const { committed: next } = await consume(midway, committed, stored, clock, 30);
    expect(next).toBeGreaterThan(committed);
    await consume(oneAChunk(), next, stored, clock);

    expectUninterrupted(stored, expected);
  }, 60_000);

  it('when a detector stops while a checkpoint is written and that write then fails, then its last checkpoint does not commit past the failed one’s stations', async () => {
    const expected = await quietVerdicts();
    const repository = new HeldRows();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    const stopping = detectorProcess(repository, clock);
    const commits = recordedCommits();
    const { commit } = commits;
    const { committed: before } = await consume(stopping, 0, stored, clock, 24, quietLog);
    expect(before).toBeGreaterThan(0);
    commits.committed = before;
    // A checkpoint holding station 3's last readings is being written, slowly, when the detector stops
    // after two more chunks: its final checkpoint (the other three stations) is taken behind it.
    repository.hold = true;
    const held = stopping.checkpoints.checkpointIdle(commit, { isRunning: () => true }, true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(repository.held).toBe(1);
    for (const chunk of [24, 25]) {
      clock.now += 60_000;
      await consumeChunk(
        stopping,
        quietLog.slice(chunk * CHUNK, (chunk + 1) * CHUNK),
        stored,
        commit,
        quietLog.length,
      );
    }
    const last = stopping.checkpoints.checkpointIdle(commit, { isRunning: () => true }, true);
    repository.failSaves = 1;
    repository.release();
    await expect(held).rejects.toThrow(RepositoryError);
    await expect(last).rejects.toThrow(/an earlier checkpoint of the partition failed/);
    expect(commits.committed).toBe(before);

    await consume(detectorProcess(repository, clock), before, stored, clock, 1e9, quietLog);
    expectUninterrupted(stored, expected);
  }, 60_000);

  it('when the group is rejoined while a checkpoint is half encoded and a chunk is in flight, then the next checkpoint still holds the dropped one’s stations', async () => {
    // Station 3 reads for the last time in chunk 23 (offsets up to 1 199).
    const expected = await quietVerdicts();
    // Slices of 10 ms on a clock the test moves: a station a slice, or every station in one.
    let oneStationASlice = false;
    let ms = 0;
    const sliceClock = () => {
      if (oneStationASlice) ms += 100;
      return ms;
    };
    const repository = new RowsByStation();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    const rejoined = detectorProcess(repository, clock, undefined, 10, sliceClock);
    const commits = recordedCommits();
    const { commit } = commits;
    const chunkOf = (chunk: number) => quietLog.slice(chunk * CHUNK, (chunk + 1) * CHUNK);
    // Checkpoints come due every five chunks (the last whole one after chunk 19): the one after chunk
    // 24, holding station 3's last readings (chunks 20–23), is left half encoded.
    for (let chunk = 0; chunk < 25; chunk++) {
      clock.now += 60_000;
      oneStationASlice = chunk === 24;
      await consumeChunk(rejoined, chunkOf(chunk), stored, commit, quietLog.length);
      await rejoined.checkpoints.written(PARTITION);
    }
    expect(commits.committed).toBe(20 * CHUNK);

    // Chunk 25 is being judged when the group is rejoined (the partition stays): the half-encoded
    // checkpoint is dropped, and the next, taken after chunk 25, is encoded whole and written.
    oneStationASlice = false;
    clock.now += 60_000;
    const inFlight = chunkOf(25);
    await rejoined.checkpoints.beforeChunk(
      PARTITION,
      { firstOffset: (inFlight[0] as RawMessage).offset, highWatermark: String(quietLog.length) },
      { isRunning: () => true },
    );
    rejoined.checkpoints.assigned([PARTITION]);
    judgeChunk(rejoined, inFlight, stored, commit);
    await rejoined.checkpoints.written(PARTITION);
    expect(commits.committed).toBe(26 * CHUNK);
    expect(repository.rows.get('cp-site_meters-3')?.throughOffset).toBeGreaterThanOrEqual(1_199);

    await consume(detectorProcess(repository, clock), commits.committed, stored, clock, 1e9, quietLog);
    expectUninterrupted(stored, expected);
  }, 60_000);

  it('when a station falls silent, then its saved state leaves the models and its next reading brings it back exactly', async () => {
    // Station 3 reads nothing for 600 minutes of the log: chunks 24–59 (a chunk is a minute of the clock).
    const quiet = partitionLog(1_500, { station: 3, from: 300, to: 900 });
    const silent = 'cp-site_meters-3';
    const expected: Verdicts = new Map();
    const never = detectorProcess(new RowsByStation(), { now: 0 });
    await consume(never, 0, expected, { now: 0 }, Number.POSITIVE_INFINITY, quiet);
    expect(never.checkpoints.stationCounts()).toEqual({ awake: 4, dormant: 0 });

    const repository = new HeldRows();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    const sleeper = detectorProcess(repository, clock, 10 * 60_000);
    const commit: CommitOffset = async () => {};
    const running = { isRunning: () => true };
    const awake: boolean[] = [];
    for (let start = 0, chunk = 0; start < quiet.length; start += CHUNK, chunk++) {
      clock.now += 60_000;
      // Cassandra stalls as the station falls silent: the checkpoint with its last readings is written
      // for twenty minutes, then fails. Its state is not saved meanwhile, so it stays in the models.
      if (chunk === 23) repository.hold = true;
      if (chunk === 45) {
        expect(repository.held).toBe(1);
        expect(repository.rows.get(silent)?.throughOffset).toBeLessThan(1_199);
        repository.failAfterRows = 0;
        repository.release();
        await expect(sleeper.checkpoints.written(PARTITION)).rejects.toThrow(RepositoryError);
        repository.failAfterRows = Number.POSITIVE_INFINITY;
      }
      await consumeChunk(sleeper, quiet.slice(start, start + CHUNK), stored, commit, quiet.length);
      // As the consumer's timer does between chunks.
      await sleeper.checkpoints.checkpointIdle(commit, running);
      if (!repository.hold) await sleeper.checkpoints.written(PARTITION);
      awake.push(sleeper.core.exportEachStation([silent]).size === 1);
      if (chunk === 59) {
        expect(sleeper.checkpoints.stationCounts()).toEqual({ awake: 3, dormant: 1 });
        // Saved before it slept: the failed write's stations are saved by the next checkpoint.
        expect(repository.rows.get(silent)?.throughOffset).toBeGreaterThanOrEqual(1_199);
      }
    }
    expect(awake.slice(0, 45).every(Boolean)).toBe(true);
    expect(awake[59]).toBe(false);
    expect(awake[60]).toBe(true);
    expectUninterrupted(stored, expected);
  }, 60_000);

  it('when a dozen partitions are restored at once, then their first checkpoints spread over the interval', () => {
    const shares = Array.from({ length: 12 }, (_, partition) => staggeredShare(partition)).sort(
      (a, b) => a - b,
    );
    for (const share of shares) expect(share > 0 && share <= 1).toBe(true);
    const gaps = shares.map((share, i) =>
      i === 0 ? share + 1 - (shares.at(-1) as number) : share - (shares[i - 1] as number),
    );
    expect(Math.max(...gaps)).toBeLessThan(2 / 12);
    expect(Math.min(...gaps)).toBeGreaterThan(0.3 / 12);
  });

  it('when a row is of another state version, then that station starts cold and the others are restored', async () => {
    const { repository, first, restarted } = await restartedWithOneRow((row) => ({
      ...row,
      version: row.version + 1,
    }));
    const stations = [...repository.rows.keys()];
    // Restored dormant: a station's state enters the models with its first reading.
    expect(restarted.core.exportEachStation(stations).size).toBe(0);
    const next = String(log.length - 1);
    for (const station of stations) expect(restarted.checkpoints.admit(PARTITION, station, next)).toBe(true);
    expect(restarted.core.exportEachStation([first.stationId]).size).toBe(0);
    const others = stations.filter((s) => s !== first.stationId);
    expect([...restarted.core.exportEachStation(others).keys()].sort()).toEqual(others.sort());
    expect(restarted.checkpoints.admit(PARTITION, first.stationId, '0')).toBe(true);
    expect(restarted.checkpoints.admit(PARTITION, others[0] as string, '0')).toBe(false);
  });

  it('when a dormant station’s row cannot be read, then its first reading finds it cold, counted, and the others restored', async () => {
    const { repository, first, restarted } = await restartedWithOneRow((row) => ({
      ...row,
      state: row.state.subarray(0, row.state.length >> 1),
    }));
    const next = String(log.length - 1);
    for (const station of repository.rows.keys())
      expect(restarted.checkpoints.admit(PARTITION, station, next)).toBe(true);
    const others = [...repository.rows.keys()].filter((s) => s !== first.stationId);
    expect([...restarted.core.exportEachStation(repository.rows.keys()).keys()].sort()).toEqual(
      others.sort(),
    );
    const cold = await restarted.metrics.stationsCold.get();
    expect(cold.values.find((v) => v.labels.reason === 'damaged')?.value).toBe(1);
    expect(restarted.checkpoints.stationCounts()).toEqual({ awake: 4, dormant: 0 });
  });
});
