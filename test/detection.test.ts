import { types } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../common/kafka/topics.js';
import { seededRandom } from '../common/random.js';
import { profileNames } from '../common/reading/profiles.js';
import { ANOMALY_KINDS, type AnomalyKind, type Reading } from '../common/reading/reading.js';
import { createKafkaReadingPublisher } from '../producer/readings.publisher.js';
import { SimulatedStation } from '../simulation/station.js';
import { dayOf } from '../storage/buckets.js';
import { createTestTopic, deleteTestTopic } from './support/kafka.js';
import { metricValue, type RunningService, scrape, startService } from './support/service.js';
import { cassandraClient, eventually, kafkaClient, uniqueName } from './support/stack.js';
import { REFERENCE_TS, shifted, shiftToPresent } from './support/test-time.js';

const kafka = kafkaClient();
const cassandra = cassandraClient('sensorwatch');
const READINGS = 240;
const INTERVAL_MS = 60_000;

interface StoredRow {
  readonly seq: number;
  readonly injected: string | null;
  readonly isAnomaly: boolean;
  readonly explanation: string;
}

/**
 * Two stations per anomaly kind, each injecting only that kind, one reading a minute for four hours:
 * generated up to the reference time and shifted to end now, so every run judges the same values.
 */
function simulateEveryKind(): Reading[] {
  const originTs = REFERENCE_TS - READINGS * INTERVAL_MS;
  const { shift } = shiftToPresent(REFERENCE_TS);
  const run = uniqueName('k');
  const profiles = profileNames();
  const stations = ANOMALY_KINDS.flatMap((kind: AnomalyKind, k) =>
    [0, 1].map(
      (i) =>
        new SimulatedStation({
          stationId: `${profiles[(k + i) % profiles.length]}-${run}-${kind.replace('_', '')}${i}`,
          profile: profiles[(k + i) % profiles.length] as string,
          anomalyRate: 0.03,
          anomalyKinds: [kind],
          originTs,
          // Fixed seeds: the same episodes every run.
          random: seededRandom(100 * k + i),
        }),
    ),
  );
  return Array.from({ length: READINGS }, (_, t) =>
    stations.map((s) => shifted(s.readingAt(originTs + t * INTERVAL_MS), shift)),
  ).flat();
}

async function storedRows(stationId: string, days: readonly string[]): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for (const day of days) {
    const result = await cassandra.execute(
      'SELECT seq, injected_anomaly, is_anomaly, explanation FROM readings_by_station WHERE station_id = ? AND day = ?',
      [stationId, types.LocalDate.fromString(day)],
      { prepare: true, fetchSize: 10_000 },
    );
    for (const row of result.rows) {
      rows.push({
        seq: Number(row.get('seq')),
        injected: row.get('injected_anomaly'),
        isAnomaly: row.get('is_anomaly'),
        explanation: row.get('explanation'),
      });
    }
  }
  return rows;
}

describe('detection end to end: every kind of anomaly is flagged and explained in Cassandra', () => {
  const topics = { readings: '', scored: '', deadLetter: '' };
  let detector: RunningService;
  const readings = simulateEveryKind();
  const stations = [...new Set(readings.map((r) => r.stationId))];
  const days = [...new Set(readings.map((r) => dayOf(Date.parse(r.ts)).toString()))];

  beforeAll(async () => {
    topics.readings = await createTestTopic(kafka, 6);
    topics.scored = await createTestTopic(kafka, 3, TOPICS.scored);
    topics.deadLetter = await createTestTopic(kafka, 1, TOPICS.deadLetter);
    detector = await startService(uniqueName('detector'), 'detector/main.ts', {
      READINGS_TOPIC: topics.readings,
      SCORED_TOPIC: topics.scored,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      DETECTOR_GROUP_ID: uniqueName('test.detection'),
      // A registry of its own: the versions it trains must not reach other detectors.
      MODEL_REGISTRY: uniqueName('test-registry'),
      // Every model, with windows small enough that K-means and the Isolation Forest train within the test.
      DETECTOR_MODEL_MIN_TRAINING: '100',
      DETECTOR_MODEL_WINDOW: '200',
      DETECTOR_MODEL_WINDOW_SPAN_S: String((200 * INTERVAL_MS) / 1000),
    });
    const publisher = createKafkaReadingPublisher(kafka, topics.readings);
    await publisher.connect();
    for (let i = 0; i < readings.length; i += 500) await publisher.publish(readings.slice(i, i + 500));
    await publisher.disconnect();
  });

  afterAll(async () => {
    await detector?.stop();
    await cassandra.shutdown();
    for (const topic of Object.values(topics)) if (topic) await deleteTestTopic(kafka, topic).catch(() => {});
  });

  it('when labelled readings of every kind and profile flow through the detector, then each kind is caught with an explanation naming its sensor', async () => {
    const rows = await eventually(
      `all ${readings.length} readings stored`,
      async () => {
        const all = (await Promise.all(stations.map((s) => storedRows(s, days)))).flat();
        return all.length === readings.length ? all : undefined;
      },
      90_000,
    );
    const bySeq = new Map<string, Reading>(readings.map((r) => [`${r.stationId}:${r.seq}`, r]));
    const caught = new Map<string, number>();
    const stationsOf = (kind: string) => readings.filter((r) => r.label?.kind === kind);
    for (const kind of ANOMALY_KINDS) expect(stationsOf(kind).length, kind).toBeGreaterThan(0);

    for (const station of stations) {
      for (const row of (await storedRows(station, days)).filter((r) => r.injected && r.isAnomaly)) {
        const reading = bySeq.get(`${station}:${row.seq}`) as Reading;
        // The explanation names at least one of the faulty sensors (a dropout as "missing").
        const named = reading.label?.sensors.some((sensor) => row.explanation.includes(sensor));
        if (named) caught.set(row.injected as string, (caught.get(row.injected as string) ?? 0) + 1);
      }
    }
    expect(rows.filter((r) => r.injected).length).toBeGreaterThan(50);
    for (const kind of ANOMALY_KINDS)
      expect(caught.get(kind) ?? 0, `${kind} caught and explained`).toBeGreaterThan(0);
    const dropout = rows.find((r) => r.injected === 'dropout' && r.isAnomaly);
    expect(dropout?.explanation).toMatch(/missing \(no value sent\)/);

    // The live quality counters see the same labels.
    const metrics = await scrape(detector);
    const truePositives = ANOMALY_KINDS.map((kind) =>
      metricValue(metrics, 'sensorwatch_detection_quality_readings_total', {
        kind,
        outcome: 'true_positive',
      }),
    );
    expect(truePositives.every((n) => n > 0)).toBe(true);
  });

  it('when enough normal readings have been seen, then the multi-sensor models are trained and judge too', async () => {
    const metrics = await scrape(detector);
    const findings = (model: string) =>
      metricValue(metrics, 'sensorwatch_detector_findings_total', { model });
    expect(findings('kmeans') + findings('isolation_forest')).toBeGreaterThan(0);
  });
});
