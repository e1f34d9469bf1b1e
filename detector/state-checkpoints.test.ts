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
import { StateCheckpoints } from './state-checkpoints.js';

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const STEP_MS = 60_000;
const PARTITION = 2;
const CHUNK = 50;

/** One partition's log: four stations of two profiles, a reading each a minute, with labelled episodes. */
function partitionLog(readingsPerStation: number): RawMessage[] {
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
    for (const station of stations) {
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

  async save(_where: PartitionRef, rows: readonly StationStateRow[]): Promise<void> {
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

/** A detector's process: its own core and checkpoints over the shared repository. */
function detectorProcess(repository: StationStateRepository, clock: { now: number }) {
  const core = createScoringCore({ without: ['kmeans', 'isolation_forest'] });
  const checkpoints = new StateCheckpoints({
    core,
    repository,
    groupId: 'g',
    topic: 't',
    intervalMs: 5 * 60_000,
    metrics: createDetectorMetrics(),
    logger: createLogger({}, 'error'),
    now: () => clock.now,
    retry: { initialMs: 1, maxMs: 1 },
  });
  checkpoints.assigned([PARTITION]);
  return { core, checkpoints };
}

type Verdicts = Map<string, string>;

/**
 * Consumes the log from `from` the way the consumer does, chunk by chunk, and records every stored
 * verdict by offset (a later write of an offset replaces the earlier, as a Cassandra row does). Stops
 * after `stopAfter` chunks, or dies with a checkpoint that failed; returns the committed offset.
 */
async function consume(
  process: ReturnType<typeof detectorProcess>,
  log: readonly RawMessage[],
  from: number,
  stored: Verdicts,
  clock: { now: number },
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<{ committed: number }> {
  let committed = from;
  const commit = async (_partition: number, next: string) => {
    committed = Number(next);
  };
  let chunks = 0;
  for (let start = from; start < log.length && chunks < stopAfter; start += CHUNK, chunks++) {
    const chunk = log.slice(start, start + CHUNK);
    const last = chunk[chunk.length - 1] as RawMessage;
    clock.now += 60_000;
    await process.checkpoints.beforeChunk(
      PARTITION,
      { firstOffset: (chunk[0] as RawMessage).offset, highWatermark: String(log.length) },
      { isRunning: () => true },
    );
    const { scored, rejected } = processMessages(
      chunk,
      process.core,
      'v',
      ORIGIN + 30 * 86_400_000,
      undefined,
      (message, station) => process.checkpoints.alreadyApplied(PARTITION, station, message.offset),
    );
    expect(rejected).toEqual([]);
    for (const one of scored) {
      const { isAnomaly, severity, score } = one.verdict;
      stored.set(one.source?.offset ?? '', JSON.stringify({ isAnomaly, severity, score }));
    }
    const saved = await process.checkpoints
      .afterChunk(
        PARTITION,
        {
          stations: new Set(scored.map((s) => s.reading.stationId)),
          lastOffset: last.offset,
          handled: chunk.length,
        },
        commit,
        { isRunning: () => true },
      )
      .then(
        () => true,
        () => false,
      );
    if (!saved) break;
  }
  return { committed };
}

describe('state checkpoints', () => {
  const log = partitionLog(1_500);

  it('when detectors die between checkpoints and mid-checkpoint, then every stored verdict is the uninterrupted one', async () => {
    const expected: Verdicts = new Map();
    await consume(detectorProcess(new RowsByStation(), { now: 0 }), log, 0, expected, { now: 0 });

    const repository = new RowsByStation();
    const clock = { now: 0 };
    const stored: Verdicts = new Map();
    // Dies between checkpoints: its successor restores and replays from the last commit.
    let { committed } = await consume(detectorProcess(repository, clock), log, 0, stored, clock, 37);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(37 * CHUNK);
    // Dies mid-checkpoint: some stations' rows are newer than the committed offset.
    repository.failAfterRows = 2;
    const second = await consume(detectorProcess(repository, clock), log, committed, stored, clock, 45);
    const partlyWritten = [...repository.rows.values()].filter((r) => r.throughOffset >= second.committed);
    expect(partlyWritten.length).toBeGreaterThan(0);
    repository.failAfterRows = Number.POSITIVE_INFINITY;
    ({ committed } = second);
    await consume(detectorProcess(repository, clock), log, committed, stored, clock);

    expect(stored.size).toBe(expected.size);
    const differing = [...expected].filter(([offset, verdict]) => stored.get(offset) !== verdict);
    expect(differing).toEqual([]);
    expect([...expected.values()].filter((v) => v.includes('"isAnomaly":true')).length).toBeGreaterThan(20);
  }, 60_000);

  it('when a row is of another state version, then that station starts cold and the others are restored', async () => {
    const repository = new RowsByStation();
    const clock = { now: 0 };
    await consume(detectorProcess(repository, clock), log, 0, new Map(), clock, 20);
    const [first] = [...repository.rows.values()];
    if (!first) throw new Error('no checkpoint was written');
    repository.rows.set(first.stationId, { ...first, version: first.version + 1 });

    const restarted = detectorProcess(repository, clock);
    await restarted.checkpoints.beforeChunk(
      PARTITION,
      { firstOffset: '0', highWatermark: String(log.length) },
      { isRunning: () => true },
    );
    expect(restarted.core.exportEachStation([first.stationId]).size).toBe(0);
    const others = [...repository.rows.keys()].filter((s) => s !== first.stationId);
    expect([...restarted.core.exportEachStation(others).keys()].sort()).toEqual(others.sort());
    expect(restarted.checkpoints.alreadyApplied(PARTITION, first.stationId, '0')).toBe(false);
  });
});
