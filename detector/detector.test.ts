import { describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.js';
import { encodeReading, type Reading } from '../common/reading/reading.js';
import type { RejectedMessage, ScoredReading } from '../scoring/scored-reading.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { RepositoryError } from '../storage/reading.repository.js';
import { createDetector } from './detector.js';
import { createDetectorMetrics } from './metrics.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

const reading = (seq: number): Reading => ({
  readingId: `factory-x-s001:${seq}`,
  stationId: 'factory-x-s001',
  profile: 'factory',
  ts: new Date(NOW - 10_000 + seq * 1000).toISOString(),
  seq,
  values: { temperature: 22 + (seq % 2) * 0.3, humidity: 45, noise_level: 68 },
  label: null,
});

/** A detector whose repository fails with `failures` in turn, then stores; what reached each output. */
function detectorWith(failures: Error[]) {
  const deadLettered: RejectedMessage[] = [];
  const published: ScoredReading[] = [];
  const stored: ScoredReading[] = [];
  let saves = 0;
  const metrics = createDetectorMetrics();
  const detector = createDetector({
    scorer: createScoringCore({ stats: { warmUp: 5, window: 50 } }),
    repository: {
      async save(readings) {
        const failure = failures[saves++];
        if (failure) throw failure;
        stored.push(...readings);
      },
    },
    outputs: {
      connect: async () => {},
      disconnect: async () => {},
      deadLetter: async (rejected) => {
        deadLettered.push(...rejected);
      },
      publishScored: async (scored) => {
        published.push(...scored);
      },
    },
    metrics,
    logger: createLogger({}, 'error', () => {}),
    detectorVersion: 'v-test',
    now: () => NOW,
    retry: { initialMs: 1, maxMs: 2 },
  });
  const messages = [0, 1, 2].map((seq) => ({
    key: Buffer.from('factory-x-s001'),
    value: encodeReading(reading(seq)),
    partition: 4,
    offset: String(100 + seq),
  }));
  const context = { sourceTopic: 'sensor.readings', heartbeat: async () => {}, isRunning: () => true };
  return { detector, messages, context, deadLettered, published, stored, metrics, saves: () => saves };
}

describe('the detector storing a chunk', () => {
  it('when Cassandra is away for a while, then it retries until the chunk is stored', async () => {
    const run = detectorWith([
      new RepositoryError('Cassandra write failed: timeout', true),
      new RepositoryError('Cassandra write failed: no host', true),
    ]);
    await run.detector.handleChunk(run.messages, run.context);
    expect(run.saves()).toBe(3);
    expect(run.stored.map((s) => s.reading.seq)).toEqual([0, 1, 2]);
    expect(run.deadLettered).toEqual([]);
  });

  it('when Cassandra refuses the chunk as such, then it is not retried: its readings go to the dead-letter topic whole, with the reason', async () => {
    const run = detectorWith([
      new RepositoryError('Cassandra write failed: Invalid value for column', false),
    ]);
    await run.detector.handleChunk(run.messages, run.context);
    expect(run.saves()).toBe(1);
    expect(run.stored).toEqual([]);
    expect(run.deadLettered.map((r) => [r.partition, r.offset, r.code])).toEqual([
      [4, '100', 'not_storable'],
      [4, '101', 'not_storable'],
      [4, '102', 'not_storable'],
    ]);
    expect(run.deadLettered[0]?.reason).toBe('Cassandra write failed: Invalid value for column');
    expect(run.deadLettered[1]?.value).toEqual(run.messages[1]?.value);
    const text = await run.metrics.registry.metrics();
    expect(text).toMatch(/sensorwatch_readings_dead_lettered_total\{code="not_storable"\} 3/);
    expect(text).not.toMatch(/sensorwatch_readings_stored_total\{profile="factory"\} [1-9]/);
  });

  it('when a chunk with malformed messages is replayed after it was abandoned, then they are dead-lettered once', async () => {
    const run = detectorWith([new RepositoryError('Cassandra write failed: timeout', true)]);
    const malformed = (offset: string) => ({
      key: null,
      value: Buffer.from('{not json'),
      partition: 4,
      offset,
    });
    const chunk = [...run.messages, malformed('103'), malformed('104')];
    // The first attempt is abandoned while Cassandra is away: its dead letters are sent already.
    let running = true;
    const stopping = { ...run.context, isRunning: () => running };
    const abandoned = run.detector.handleChunk(chunk, stopping);
    running = false;
    await expect(abandoned).rejects.toThrow(/abandoned/);
    expect(run.deadLettered.map((r) => r.offset)).toEqual(['103', '104']);
    // Replayed from the checkpoint, with one more malformed message after it.
    await run.detector.handleChunk([...chunk, malformed('105')], run.context);
    expect(run.deadLettered.map((r) => r.offset)).toEqual(['103', '104', '105']);
    // Another partition's offsets are its own.
    await run.detector.handleChunk([{ ...malformed('104'), partition: 5 }], run.context);
    expect(run.deadLettered.map((r) => `${r.partition}:${r.offset}`)).toEqual([
      '4:103',
      '4:104',
      '4:105',
      '5:104',
    ]);
    const text = await run.metrics.registry.metrics();
    expect(text).toMatch(/sensorwatch_readings_dead_lettered_total\{code="not_json"\} 4/);
    expect(text).toMatch(/sensorwatch_detector_dead_letters_skipped_total 2/);
  });
});
