import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../common/kafka/topics.js';
import { profileNames, profileOf } from '../../common/reading/profiles.js';
import type { Reading } from '../../common/reading/reading.js';
import { Fleet } from '../../producer/fleet.js';
import { createKafkaReadingPublisher } from '../../producer/readings.publisher.js';
import type { ModelBundle } from '../../scoring/model-bundle.js';
import { createScoringCore, DefaultScoringCore } from '../../scoring/scoring-core.js';
import { createCassandraModelRegistry } from '../../storage/model-registry.js';
import { createTestTopic, deleteTestTopic } from '../support/kafka.js';
import { metricValue, type RunningService, scrape, startService } from '../support/service.js';
import { cassandraClient, kafkaClient, uniqueName } from '../support/stack.js';
import { HOUR_MS, REFERENCE_TS, shifted, shiftToPresent } from '../support/test-time.js';
import { reconcileWhenDrained } from './support/reconcile.js';
import { report } from './support/scenario.js';
import { rowKey } from './support/steady-load.js';

const STATIONS_PER_PROFILE = 4;
const TICKS = 1_200;
/**
 * Twelve minutes of simulated time a tick: the stream spans ten days, so the daily profiles (allocated
 * after two days, heard after three visits) speak in it, and its first readings are older than the
 * readings topic's seven days of retention, which must not delete them.
 */
const TICK_MS = 12 * 60_000;
/** Ticks per send: each send waits for acks=all, some 50–150 ms on this machine. */
const TICKS_PER_SEND = 4;
/** Least wall time between two sends: the stream lasts at least 35 s, and the faults happen along it. */
const PACE_MS = 140;
const SEED = 1_717;
/**
 * Each profile's first station reads nothing over these ticks (some 6 s of the run, after the last
 * fault and its rebalance, at about 25 ticks a second): the last detector puts such stations to sleep
 * after a second (DETECTOR_STATION_DORMANT_AFTER_MS), and their next readings must wake them exactly.
 */
const SILENT = { from: 1_000, to: 1_150, station: /-s001$/ };

/**
 * The same labelled stream twice, under two fleets of station ids: one for the detector that never
 * stops, one for the detectors that are killed, join and leave. Values come from a fixed seed and time,
 * shifted to the present by whole hours (readings older than 30 days are refused).
 */
function twinStreams(steady: string, faulty: string): { steady: Reading[][]; faulty: Reading[][] } {
  const fleet = new Fleet({
    replicaId: steady,
    profiles: profileNames(),
    stations: STATIONS_PER_PROFILE,
    anomalyRate: 0.03,
    originTs: REFERENCE_TS - TICKS * TICK_MS,
    seed: SEED,
  });
  const { shift } = shiftToPresent(REFERENCE_TS, HOUR_MS);
  const rename = (reading: Reading): Reading => ({
    ...reading,
    stationId: reading.stationId.replace(`-${steady}-`, `-${faulty}-`),
    readingId: reading.readingId.replace(`-${steady}-`, `-${faulty}-`),
  });
  const ticks: Reading[][] = [];
  for (let t = 1; t <= TICKS; t++) {
    const silent = t >= SILENT.from && t < SILENT.to;
    ticks.push(
      fleet
        .tick(REFERENCE_TS - (TICKS - t) * TICK_MS)
        .filter((r) => !silent || !SILENT.station.test(r.stationId))
        .map((r) => shifted(r, shift)),
    );
  }
  return { steady: ticks, faulty: ticks.map((tick) => tick.map(rename)) };
}

/**
 * The multi-sensor models belong to the fleet, not to a partition: their versions live in the model
 * registry, which every detector follows. Both runs use the same registered versions, trained here on a
 * warm-up fleet of their own, so what differs between the runs is only the station state.
 */
function trainedBundles(): ModelBundle[] {
  const bundles = new Map<string, ModelBundle>();
  const core = createScoringCore({
    multiSensor: { minTraining: 400, retrainEvery: 0 },
    onTrained: (bundle) => bundles.set(bundle.profile, bundle),
  });
  const warmUp = new Fleet({
    replicaId: 'warm-up',
    profiles: profileNames(),
    stations: 6,
    anomalyRate: 0,
    originTs: REFERENCE_TS - 2 * TICKS * TICK_MS,
    seed: SEED + 1,
  });
  for (let t = 0; t < 600; t++) {
    for (const r of warmUp.tick(REFERENCE_TS - 2 * TICKS * TICK_MS + t * TICK_MS)) {
      core.score({
        stationId: r.stationId,
        profile: r.profile,
        profileSpec: profileOf(r.profile),
        ts: Date.parse(r.ts),
        values: r.values,
      });
    }
  }
  const withVectors = profileNames().filter((p) => DefaultScoringCore.featuresOf(profileOf(p)).length >= 2);
  expect([...bundles.keys()].sort()).toEqual(withVectors.sort());
  return [...bundles.values()];
}

interface StoredVerdict {
  readonly isAnomaly: boolean;
  readonly severity: string;
  readonly score: number;
  readonly explanation: string;
}

/** Every stored verdict of the stations, by station (renamed by `key`), time and sequence. */
async function storedVerdicts(
  cassandra: Client,
  stations: readonly string[],
  days: readonly string[],
  key: (station: string) => string,
): Promise<Map<string, StoredVerdict>> {
  const verdicts = new Map<string, StoredVerdict>();
  for (const station of stations) {
    for (const day of days) {
      const result = await cassandra.execute(
        'SELECT ts, seq, is_anomaly, severity, score, explanation FROM readings_by_station WHERE station_id = ? AND day = ?',
        [station, types.LocalDate.fromString(day)],
        { prepare: true, fetchSize: 100_000 },
      );
      for (const row of result.rows) {
        verdicts.set(rowKey(key(station), (row.ts as Date).getTime(), Number(row.seq)), {
          isAnomaly: row.is_anomaly as boolean,
          severity: row.severity as string,
          score: row.score as number,
          explanation: row.explanation as string,
        });
      }
    }
  }
  return verdicts;
}

/** Restore figures from a detector's log: one entry per partition it restored. */
function restoresIn(detector: RunningService): { partition: number; seconds: number; stations: number }[] {
  return readFileSync(detector.log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('restored partition state'))
    .map((line) => JSON.parse(line) as { partition: number; seconds: number; stations: number })
    .map(({ partition, seconds, stations }) => ({ partition, seconds, stations }));
}

describe('fault: detectors killed, joining and leaving, with their learnt state checkpointed', () => {
  it('when detectors are SIGKILLed twice mid-stream and one joins and leaves, then every reading is stored once, with the verdict of a detector that never stopped', async () => {
    const id = uniqueName('detector-kill');
    const [steadyId, faultyId] = [`${id.slice(-8)}a`, `${id.slice(-8)}b`];
    const kafka = kafkaClient(id);
    const cassandra = cassandraClient('sensorwatch');
    await cassandra.connect();
    const topics = await Promise.all([
      createTestTopic(kafka, 6),
      createTestTopic(kafka, 6),
      createTestTopic(kafka, 3, TOPICS.scored),
      createTestTopic(kafka, 3, TOPICS.deadLetter),
    ]);
    const [steadyTopic, faultyTopic, scoredTopic, deadLetterTopic] = topics as [
      string,
      string,
      string,
      string,
    ];
    const detectors: RunningService[] = [];
    const publishers = [
      createKafkaReadingPublisher(kafka, steadyTopic),
      createKafkaReadingPublisher(kafka, faultyTopic),
    ];
    try {
      const bundles = trainedBundles();
      for (const registry of [`${id}-steady`, `${id}-faulty`]) {
        const models = createCassandraModelRegistry(cassandra, registry);
        for (const bundle of bundles) {
          await models.save(bundle);
          await models.activate(bundle.profile, bundle.version, REFERENCE_TS);
        }
      }
      const start = (run: 'steady' | 'faulty', label: string) =>
        startService(`${id}-${label}`, 'detector/main.ts', {
          LOG_LEVEL: 'info',
          READINGS_TOPIC: run === 'steady' ? steadyTopic : faultyTopic,
          SCORED_TOPIC: scoredTopic,
          DEAD_LETTER_TOPIC: deadLetterTopic,
          DETECTOR_GROUP_ID: `faults.${id}.${run}`,
          MODEL_REGISTRY: `${id}-${run}`,
          DETECTOR_CHECKPOINT_INTERVAL_MS: '3000',
          ...(run === 'faulty' ? { DETECTOR_STATION_DORMANT_AFTER_MS: '1000' } : {}),
        }).then((detector) => {
          detectors.push(detector);
          return detector;
        });

      const streams = twinStreams(steadyId, faultyId);
      const acked = { steady: new Map<string, Set<string>>(), faulty: new Map<string, Set<string>>() };
      await Promise.all(publishers.map((p) => p.connect()));
      const [steady, first] = await Promise.all([start('steady', 'steady'), start('faulty', 'b1')]);
      const began = Date.now();
      let publishedAfterS = 0;
      const publishing = (async () => {
        for (let t = 0; t < TICKS; t += TICKS_PER_SEND) {
          const tickBegan = Date.now();
          const pairs = [
            [streams.steady.slice(t, t + TICKS_PER_SEND).flat(), acked.steady],
            [streams.faulty.slice(t, t + TICKS_PER_SEND).flat(), acked.faulty],
          ] as const;
          await Promise.all(
            pairs.map(async ([readings, ledger], i) => {
              await publishers[i]?.publish(readings);
              for (const r of readings) {
                const keys = ledger.get(r.stationId) ?? new Set<string>();
                ledger.set(r.stationId, keys);
                keys.add(rowKey(r.stationId, Date.parse(r.ts), r.seq));
              }
            }),
          );
          await sleep(Math.max(0, PACE_MS - (Date.now() - tickBegan)));
        }
        publishedAfterS = (Date.now() - began) / 1000;
      })();

      const restores: ReturnType<typeof restoresIn> = [];
      await sleep(5_000);
      first.process.kill('SIGKILL');
      const second = await start('faulty', 'b2');
      await sleep(5_000);
      // A third joins: the group rebalances, and each restores the partitions it is given.
      const third = await start('faulty', 'b3');
      await sleep(5_000);
      second.process.kill('SIGKILL');
      const fourth = await start('faulty', 'b4');
      await sleep(5_000);
      // The third leaves cleanly: it checkpoints what it stored and hands its partitions over.
      expect(await third.stop('SIGTERM')).toBe(0);
      const lastFaultAfterS = (Date.now() - began) / 1000;
      await publishing;
      await Promise.all(publishers.map((p) => p.disconnect()));

      const steadyDrained = await reconcileWhenDrained(cassandra, acked.steady);
      const faultyDrained = await reconcileWhenDrained(cassandra, acked.faulty);
      const drainedAfterS = (Date.now() - began) / 1000;
      for (const detector of [first, second, third, fourth]) restores.push(...restoresIn(detector));
      const fourthMetrics = await scrape(fourth);

      const days = [...new Set(streams.steady.flat().map((r) => r.ts.slice(0, 10)))];
      const toSteady = (station: string) => station.replace(`-${faultyId}-`, `-${steadyId}-`);
      const expected = await storedVerdicts(cassandra, [...acked.steady.keys()], days, (s) => s);
      const got = await storedVerdicts(cassandra, [...acked.faulty.keys()], days, toSteady);
      const differences: string[] = [];
      for (const [key, verdict] of expected) {
        const other = got.get(key);
        const same =
          other !== undefined &&
          other.isAnomaly === verdict.isAnomaly &&
          other.severity === verdict.severity &&
          other.explanation === verdict.explanation &&
          Math.abs(other.score - verdict.score) <= 1e-9;
        if (!same) differences.push(`${key}: ${JSON.stringify(verdict)} vs ${JSON.stringify(other)}`);
      }
      const anomalies = [...expected.values()].filter((v) => v.isAnomaly).length;
      // Findings of the daily profile: state that took three simulated days to learn, restored too.
      const seasonal = [...expected.values()].filter((v) => v.explanation.includes('[seasonal]')).length;
      const restoredStations = restores.filter((r) => r.stations > 0);
      report('detector-kill', {
        acked: faultyDrained.acked,
        rows: faultyDrained.rows,
        missing: faultyDrained.missing,
        unexpected: faultyDrained.unexpected,
        rowsCompared: expected.size,
        anomaliesCompared: anomalies,
        seasonalFindingsCompared: seasonal,
        differences: differences.length,
        firstDifferences: differences.slice(0, 5),
        lastFaultAfterS,
        publishedAfterS,
        drainedAfterS,
        restores: restores.length,
        restoresWithStations: restoredStations.length,
        restoreSecondsMax: Math.max(0, ...restores.map((r) => r.seconds)),
        restoreSeconds: restoredStations.map((r) => Number(r.seconds.toFixed(3))),
        replayedByLast: metricValue(fourthMetrics, 'sensorwatch_detector_state_replayed_readings_total'),
        skippedByLast: metricValue(fourthMetrics, 'sensorwatch_detector_state_skipped_readings_total'),
        stationsColdByLast: metricValue(fourthMetrics, 'sensorwatch_detector_stations_cold_total'),
        sleptByLast: metricValue(fourthMetrics, 'sensorwatch_detector_stations_slept_total'),
        wokenByLast: metricValue(fourthMetrics, 'sensorwatch_detector_stations_woken_total'),
      });

      expect(steady.process.exitCode).toBeNull();
      expect(steadyDrained.missing).toBe(0);
      const silentReadings = (SILENT.to - SILENT.from) * profileNames().length;
      expect(faultyDrained.acked).toBe(TICKS * STATIONS_PER_PROFILE * profileNames().length - silentReadings);
      expect(faultyDrained.missing).toBe(0);
      expect(faultyDrained.unexpected).toBe(0);
      expect(faultyDrained.rows).toBe(faultyDrained.acked);
      // The comparison covers every reading, anomalies among them, and restores that carried state.
      expect(expected.size).toBe(faultyDrained.acked);
      expect(anomalies).toBeGreaterThan(50);
      expect(restoredStations.length).toBeGreaterThan(3);
      expect(seasonal).toBeGreaterThan(0);
      // Stations went to sleep in the last detector, and were woken (after its restores, or their silence).
      expect(metricValue(fourthMetrics, 'sensorwatch_detector_stations_slept_total')).toBeGreaterThan(0);
      expect(metricValue(fourthMetrics, 'sensorwatch_detector_stations_woken_total')).toBeGreaterThan(0);
      expect(differences).toEqual([]);
    } finally {
      await Promise.all(publishers.map((p) => p.disconnect().catch(() => {})));
      await Promise.all(detectors.map((d) => d.stop().catch(() => null)));
      await Promise.all(topics.map((t) => deleteTestTopic(kafka, t).catch(() => {})));
      await cassandra.shutdown();
    }
  });
});
