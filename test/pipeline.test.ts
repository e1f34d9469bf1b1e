import { types } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from '../common/kafka/kafkajs.js';
import { TOPICS } from '../common/kafka/topics.js';
import { profileOf } from '../common/reading/profiles.js';
import type { Reading } from '../common/reading/reading.js';
import { DLQ_HEADERS } from '../detector/adapters/kafka-outputs.js';
import { Fleet } from '../producer/fleet.js';
import { createKafkaReadingPublisher } from '../producer/readings.publisher.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { dayOf, hourOf } from '../storage/buckets.js';
import { awaitGroupCaughtUp, consumeAll, createTestTopic, deleteTestTopic } from './support/kafka.js';
import { metricValue, type RunningService, scrape, startService } from './support/service.js';
import { cassandraClient, eventually, kafkaClient, uniqueName } from './support/stack.js';
import { REFERENCE_TS, shifted, shiftToPresent } from './support/test-time.js';

const SCORING = { warningZ: 3, criticalZ: 5, warmUp: 10, window: 50 };

/**
 * The detector's scoring core as the test's detector runs it, to know each reading's verdict in advance.
 * The statistics and rules are per station, so the verdicts do not depend on how partitions interleave;
 * the multi-sensor models learn per profile over all stations and would, so the test leaves them out.
 */
const localScorer = () =>
  createScoringCore({
    thresholds: { warningZ: SCORING.warningZ, criticalZ: SCORING.criticalZ },
    stats: { warmUp: SCORING.warmUp, window: SCORING.window },
    without: ['kmeans', 'isolation_forest'],
  });
const kafka = kafkaClient();
const cassandra = cassandraClient('sensorwatch');

/**
 * Readings of a fresh fleet: `ticks` readings per station, one a second, generated from fixed seeds up to
 * the reference time and shifted to end now.
 */
function simulate(stations: number, ticks: number, anomalyRate: number, seed = 1): Reading[] {
  const originTs = REFERENCE_TS - ticks * 1000;
  const { shift } = shiftToPresent(REFERENCE_TS);
  const fleet = new Fleet({
    replicaId: uniqueName('t'),
    profiles: ['factory'],
    stations,
    anomalyRate,
    originTs,
    seed,
  });
  return Array.from({ length: ticks }, (_, i) => fleet.tick(originTs + i * 1000))
    .flat()
    .map((reading) => shifted(reading, shift));
}

async function publish(topic: string, readings: readonly Reading[]): Promise<void> {
  const publisher = createKafkaReadingPublisher(kafka, topic);
  await publisher.connect();
  for (let i = 0; i < readings.length; i += 500) await publisher.publish(readings.slice(i, i + 500));
  await publisher.disconnect();
}

/** Stored rows of a station as seq → is_anomaly, over the days its readings span. */
async function storedRows(stationId: string, readings: readonly Reading[]): Promise<Map<number, boolean>> {
  const days = [...new Set(readings.map((r) => dayOf(Date.parse(r.ts)).toString()))];
  const rows = new Map<number, boolean>();
  for (const day of days) {
    const result = await cassandra.execute(
      'SELECT seq, is_anomaly, detector_version FROM readings_by_station WHERE station_id = ? AND day = ?',
      [stationId, types.LocalDate.fromString(day)],
      { prepare: true, fetchSize: 10_000 },
    );
    for (const row of result.rows) {
      expect(row.get('detector_version')).toMatch(/^\d+\.\d+\.\d+\+stats\.rules\(w=3,c=5,n=50,warm=10,/);
      rows.set(Number(row.get('seq')), row.get('is_anomaly') as boolean);
    }
  }
  return rows;
}

/** Waits until every reading has its row: the count per station is exact, so nothing is missing. */
async function allStored(readings: readonly Reading[]): Promise<void> {
  const byStation = new Map<string, Reading[]>();
  for (const r of readings) byStation.set(r.stationId, [...(byStation.get(r.stationId) ?? []), r]);
  await eventually(
    `all ${readings.length} readings to be stored`,
    async () => {
      for (const [stationId, own] of byStation) {
        if ((await storedRows(stationId, own)).size !== own.length) return undefined;
      }
      return true;
    },
    90_000,
  );
}

describe('pipeline: producer → Kafka → detector → Cassandra', () => {
  const topics = { readings: '', scored: '', deadLetter: '' };
  let detector: RunningService;
  const groupId = uniqueName('test.detector');
  const startDetector = () =>
    startService(uniqueName('detector'), 'detector/main.ts', {
      READINGS_TOPIC: topics.readings,
      SCORED_TOPIC: topics.scored,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      DETECTOR_GROUP_ID: groupId,
      DETECTOR_WARNING_Z: String(SCORING.warningZ),
      DETECTOR_CRITICAL_Z: String(SCORING.criticalZ),
      DETECTOR_WARM_UP: String(SCORING.warmUp),
      DETECTOR_WINDOW: String(SCORING.window),
      DETECTOR_MODELS: 'stats,rules',
      MODEL_REGISTRY: uniqueName('test-registry'),
      DETECTOR_CHUNK_SIZE: '100',
      // Partitions are checkpointed (and their offsets committed) a second after their readings pause,
      // not 30 s: a detector that joins later replays nothing of the earlier tests.
      DETECTOR_CHECKPOINT_INTERVAL_MS: '1000',
    });

  beforeAll(async () => {
    topics.readings = await createTestTopic(kafka, 6);
    topics.scored = await createTestTopic(kafka, 3, TOPICS.scored);
    topics.deadLetter = await createTestTopic(kafka, 1, TOPICS.deadLetter);
    detector = await startDetector();
  });

  afterAll(async () => {
    await detector?.stop();
    await cassandra.shutdown();
    for (const topic of Object.values(topics)) if (topic) await deleteTestTopic(kafka, topic).catch(() => {});
  });

  it('when valid, anomalous and malformed messages are produced, then each lands where it belongs, once', async () => {
    const readings = simulate(5, 120, 0.03);
    const scorer = localScorer();
    const expected = readings.map((r) => ({
      reading: r,
      isAnomaly: scorer.score({
        stationId: r.stationId,
        profile: r.profile,
        profileSpec: profileOf(r.profile),
        ts: Date.parse(r.ts),
        values: r.values,
      }).isAnomaly,
    }));
    const expectedAnomalies = expected.filter((e) => e.isAnomaly);
    expect(expectedAnomalies.length).toBeGreaterThan(0);

    const valid = readings[0] as Reading;
    const malformed: Array<[string, string]> = [
      ['not_json', '{"stationId": "x",'],
      ['not_json', 'NaN'],
      ['schema', JSON.stringify({ ...valid, seq: 'seven' })],
      ['schema', JSON.stringify({ ...valid, ts: undefined })],
      ['too_large', JSON.stringify({ ...valid, padding: 'x'.repeat(40_000) })],
      ['unknown_profile', JSON.stringify({ ...valid, profile: 'spaceship' })],
      ['out_of_range', JSON.stringify({ ...valid, values: { ...valid.values, humidity: 250 } })],
    ];
    await publish(topics.readings, readings);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: topics.readings,
      acks: -1,
      messages: malformed.map(([, value], i) => ({ key: `bad-${i}`, value })),
    });
    await producer.disconnect();

    const metrics = await eventually(
      'the detector to store every valid reading and dead-letter every malformed one',
      async () => {
        const text = await scrape(detector);
        const stored = metricValue(text, 'sensorwatch_readings_stored_total');
        const deadLettered = metricValue(text, 'sensorwatch_readings_dead_lettered_total');
        return stored >= readings.length && deadLettered >= malformed.length ? text : undefined;
      },
      90_000,
    );

    // Cassandra: every valid reading once, with the anomaly flag the scorer gives.
    const stations = [...new Set(readings.map((r) => r.stationId))];
    for (const stationId of stations) {
      const own = expected.filter((e) => e.reading.stationId === stationId);
      const rows = await storedRows(
        stationId,
        own.map((e) => e.reading),
      );
      expect(rows.size).toBe(own.length);
      expect(own.filter((e) => rows.get(e.reading.seq) !== e.isAnomaly)).toEqual([]);
    }
    // Recent anomalies over all stations hold exactly the anomalous readings.
    const hours = [...new Set(readings.map((r) => hourOf(Date.parse(r.ts)).getTime()))];
    const listed = new Set<string>();
    for (const hour of hours) {
      const result = await cassandra.execute(
        'SELECT station_id, seq FROM anomalies_by_hour WHERE hour = ?',
        [new Date(hour)],
        { prepare: true, fetchSize: 10_000 },
      );
      for (const row of result.rows) {
        if (stations.includes(row.get('station_id')))
          listed.add(`${row.get('station_id')}:${row.get('seq')}`);
      }
    }
    expect([...listed].sort()).toEqual(expectedAnomalies.map((e) => e.reading.readingId).sort());

    // The dead-letter topic holds every malformed message, untouched, with its reason.
    const dead = await consumeAll(kafka, topics.deadLetter, malformed.length);
    expect(dead.map((d) => d.headers[DLQ_HEADERS.code]).sort()).toEqual(
      malformed.map(([code]) => code).sort(),
    );
    expect(dead.every((d) => (d.headers[DLQ_HEADERS.reason] ?? '').length > 0)).toBe(true);
    expect(dead.every((d) => d.headers[DLQ_HEADERS.sourceTopic] === topics.readings)).toBe(true);
    expect(dead.map((d) => d.value).sort()).toEqual(malformed.map(([, value]) => value).sort());

    // /metrics agrees with what was stored and rejected.
    expect(metricValue(metrics, 'sensorwatch_readings_consumed_total')).toBe(
      readings.length + malformed.length,
    );
    expect(metricValue(metrics, 'sensorwatch_readings_stored_total', { profile: 'factory' })).toBe(
      readings.length,
    );
    expect(metricValue(metrics, 'sensorwatch_readings_dead_lettered_total', { code: 'not_json' })).toBe(2);
    expect(metricValue(metrics, 'sensorwatch_readings_dead_lettered_total', { code: 'schema' })).toBe(2);
    expect(metricValue(metrics, 'sensorwatch_anomalies_total')).toBe(expectedAnomalies.length);
    expect(metricValue(metrics, 'sensorwatch_end_to_end_latency_seconds_count')).toBe(readings.length);
  });

  it('when scored readings flow, then the exporter exports each station’s latest values, capped, and forgets silent ones', async () => {
    const exporter = await startService(
      uniqueName('exporter'),
      'exporter/main.ts',
      {
        SCORED_TOPIC: topics.scored,
        EXPORTER_GROUP_ID: uniqueName('test.exporter'),
        EXPORTER_MAX_STATIONS: '3',
        EXPORTER_STALE_AFTER_S: '10',
      },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
    try {
      const readings = simulate(5, 40, 0);
      await publish(topics.readings, readings);
      const metrics = await eventually(
        'the exporter to hold three stations and drop the others’ readings',
        async () => {
          const text = await scrape(exporter);
          const dropped = metricValue(text, 'sensorwatch_exporter_dropped_readings_total');
          // Stations are capped at 3; the other two stations' 40 readings each are dropped.
          return metricValue(text, 'sensorwatch_exporter_stations') === 3 && dropped === 80
            ? text
            : undefined;
        },
        60_000,
      );
      const exported = new Set<string>();
      for (const line of metrics.split('\n')) {
        const station = /^sensorwatch_sensor_value\{.*station="([^"]+)"/.exec(line)?.[1];
        if (station) exported.add(station);
      }
      expect(exported.size).toBe(3);
      for (const station of exported) {
        const latest = readings.filter((r) => r.stationId === station).at(-1) as Reading;
        for (const [sensor, value] of Object.entries(latest.values)) {
          expect(metricValue(metrics, 'sensorwatch_sensor_value', { station, sensor })).toBe(value);
        }
        expect(metricValue(metrics, 'sensorwatch_station_last_reading_timestamp_seconds', { station })).toBe(
          Date.parse(latest.ts) / 1000,
        );
        expect(
          metricValue(metrics, 'sensorwatch_sensor_anomaly_score', { station, sensor: 'temperature' }),
        ).toBeGreaterThanOrEqual(0);
      }

      // Ten seconds without readings: the stations are forgotten and their series disappear.
      const silent = await eventually(
        'silent stations to be forgotten',
        async () => {
          const text = await scrape(exporter);
          return metricValue(text, 'sensorwatch_exporter_stations') === 0 ? text : undefined;
        },
        30_000,
      );
      expect(silent).not.toMatch(/^sensorwatch_sensor_value\{/m);
      expect(metricValue(silent, 'sensorwatch_exporter_expired_stations_total')).toBe(3);
    } finally {
      await exporter.stop();
    }
  });

  it('when a second detector joins the group, then the two share the partitions and store every reading once', async () => {
    // The readings of the tests before are all checkpointed: otherwise the second detector replays the
    // ones it is given, and stores (and counts) them again.
    await awaitGroupCaughtUp(kafka, groupId, topics.readings);
    const second = await startDetector();
    try {
      // Ready is not yet a member: publish only once the group has rebalanced and split the 6 partitions,
      // or the first detector may store everything before the second owns a partition.
      await eventually(
        'the two detectors to share the partitions',
        async () => {
          const owned = async (service: RunningService) =>
            metricValue(await scrape(service), 'sensorwatch_detector_assigned_partitions');
          const [first, joined] = [await owned(detector), await owned(second)];
          return joined > 0 && first + joined === 6 ? true : undefined;
        },
        60_000,
      );
      const readings = simulate(30, 60, 0.01);
      const firstBefore = metricValue(await scrape(detector), 'sensorwatch_readings_stored_total');
      await publish(topics.readings, readings);
      await allStored(readings);
      const byFirst = metricValue(await scrape(detector), 'sensorwatch_readings_stored_total') - firstBefore;
      const bySecond = metricValue(await scrape(second), 'sensorwatch_readings_stored_total');
      // Both did part of the work, and together exactly all of it: each partition had one owner.
      expect(byFirst).toBeGreaterThan(0);
      expect(bySecond).toBeGreaterThan(0);
      expect(byFirst + bySecond).toBe(readings.length);
    } finally {
      await second.stop();
    }
  });

  it('when the detector is killed mid-stream and restarted, then no reading is lost or stored twice', async () => {
    const readings = simulate(20, 150, 0.01);
    await publish(topics.readings, readings);
    const before = metricValue(await scrape(detector), 'sensorwatch_readings_stored_total');
    await eventually(
      'the detector to be part-way through',
      async () => {
        const stored = metricValue(await scrape(detector), 'sensorwatch_readings_stored_total') - before;
        return stored >= 300 ? stored : undefined;
      },
      60_000,
    );
    await detector.stop('SIGKILL');
    detector = await startDetector();

    await allStored(readings);
    const stations = [...new Set(readings.map((r) => r.stationId))];
    for (const stationId of stations) {
      const rows = await storedRows(
        stationId,
        readings.filter((r) => r.stationId === stationId),
      );
      expect([...rows.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    }
  });
});
