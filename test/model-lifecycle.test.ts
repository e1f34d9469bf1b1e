import { types } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../common/kafka/topics.js';
import { seededRandom } from '../common/random.js';
import type { Reading } from '../common/reading/reading.js';
import { createKafkaReadingPublisher } from '../producer/readings.publisher.js';
import { SimulatedStation } from '../simulation/station.js';
import { dayOf } from '../storage/buckets.js';
import { createTestTopic, deleteTestTopic } from './support/kafka.js';
import { metricValue, type RunningService, runCli, scrape, startService } from './support/service.js';
import { cassandraClient, eventually, kafkaClient, uniqueName } from './support/stack.js';
import { REFERENCE_TS, shifted, shiftToPresent } from './support/test-time.js';

const kafka = kafkaClient();
const cassandra = cassandraClient('sensorwatch');
const MINUTE = 60_000;

describe('model lifecycle: train from history, the running detector adopts it, roll back', () => {
  // A registry of its own, so neither other tests nor a developer's detectors see these versions.
  const env = { MODEL_REGISTRY: uniqueName('test-registry') };
  const prefix = `${uniqueName('factory-lc')}-`;
  const topics = { readings: '', scored: '', deadLetter: '' };
  // Generated from the reference time with fixed seeds, and shifted so the last reading is 20 minutes old.
  const origin = REFERENCE_TS - 330 * MINUTE;
  const { shift } = shiftToPresent(REFERENCE_TS);
  const stations = [0, 1, 2].map(
    (i) =>
      new SimulatedStation({
        stationId: `${prefix}s${i}`,
        profile: 'factory',
        anomalyRate: 0.005,
        originTs: origin,
        random: seededRandom(300 + i),
      }),
  );
  const readingsAt = (from: number, count: number): Reading[] =>
    Array.from({ length: count }, (_, t) =>
      stations.map((s) => shifted(s.readingAt(origin + (from + t) * MINUTE), shift)),
    ).flat();
  let detector: RunningService;

  async function publish(readings: readonly Reading[]) {
    const publisher = createKafkaReadingPublisher(kafka, topics.readings);
    await publisher.connect();
    await publisher.publish(readings);
    await publisher.disconnect();
  }

  /** Each stored reading's model version, once all of `readings` are stored. */
  async function storedVersions(readings: readonly Reading[]): Promise<(string | null)[]> {
    return eventually(
      `${readings.length} readings stored`,
      async () => {
        const versions: (string | null)[] = [];
        for (const r of readings) {
          const result = await cassandra.execute(
            'SELECT model_version FROM readings_by_station WHERE station_id = ? AND day = ? AND ts = ? AND seq = ?',
            [r.stationId, dayOf(Date.parse(r.ts)), new Date(r.ts), types.Long.fromNumber(r.seq)],
            { prepare: true },
          );
          const row = result.first();
          if (!row) return undefined;
          versions.push(row.get('model_version'));
        }
        return versions;
      },
      90_000,
    );
  }

  async function modelInUse(): Promise<string | undefined> {
    const text = await scrape(detector);
    const match =
      /sensorwatch_detector_model_info\{profile="factory",version="([^"]+)",trigger="\w+",pinned="true"\} 1/.exec(
        text,
      );
    return match?.[1];
  }

  const train = () =>
    runCli(
      'detector/train.ts',
      ['--profile', 'factory', '--hours', '8', '--station-prefix', prefix, '--min-vectors', '100'],
      env,
    );

  beforeAll(async () => {
    topics.readings = await createTestTopic(kafka, 3);
    topics.scored = await createTestTopic(kafka, 3, TOPICS.scored);
    topics.deadLetter = await createTestTopic(kafka, 1, TOPICS.deadLetter);
    detector = await startService(uniqueName('detector'), 'detector/main.ts', {
      ...env,
      READINGS_TOPIC: topics.readings,
      SCORED_TOPIC: topics.scored,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      DETECTOR_GROUP_ID: uniqueName('test.lifecycle'),
      DETECTOR_REGISTRY_POLL_S: '1',
      // No self-training here: every version comes from `npm run train`.
      DETECTOR_MODEL_MIN_TRAINING: '1000000',
    });
  });

  afterAll(async () => {
    await detector?.stop();
    await cassandra.shutdown();
    for (const topic of Object.values(topics)) if (topic) await deleteTestTopic(kafka, topic).catch(() => {});
  });

  it('when trained from history, then a new version is registered, activated and used by the running detector for the next readings', async () => {
    const history = readingsAt(0, 300);
    await publish(history);
    expect((await storedVersions(history)).every((v) => v === null)).toBe(true);

    const first = await train();
    expect(first.code, first.output).toBe(0);
    const version = /factory: version (factory-\d{14}-[0-9a-f]{4}) from 900 readings of 3 stations/.exec(
      first.output,
    )?.[1];
    expect(version, first.output).toBeDefined();
    expect(first.output).toContain('factory: active (previous: none)');
    await eventually(
      'the detector to adopt the new version',
      async () => ((await modelInUse()) === version ? true : undefined),
      20_000,
    );

    const next = readingsAt(300, 10);
    await publish(next);
    expect(new Set(await storedVersions(next))).toEqual(new Set([version]));
  });

  it('when a second version is trained and then rolled back, then the detector returns to the first without a restart', async () => {
    const firstVersion = await modelInUse();
    const second = await train();
    expect(second.code, second.output).toBe(0);
    const secondVersion = /version (factory-\S+) from/.exec(second.output)?.[1];
    expect(secondVersion).not.toBe(firstVersion);
    await eventually(
      'the detector to adopt the second version',
      async () => ((await modelInUse()) === secondVersion ? true : undefined),
      20_000,
    );

    const rollback = await runCli('detector/models-cli.ts', ['rollback', 'factory'], env);
    expect(rollback.output).toContain(`factory: rolled back to ${firstVersion} (from ${secondVersion})`);
    await eventually(
      'the detector to return to the first version',
      async () => ((await modelInUse()) === firstVersion ? true : undefined),
      20_000,
    );

    const list = await runCli('detector/models-cli.ts', ['list', 'factory'], env);
    expect(list.output).toContain(`* ${firstVersion}  manual`);
    expect(list.output).toContain(`  ${secondVersion}  manual`);
    expect(
      metricValue(await scrape(detector), 'sensorwatch_detector_model_training_vectors', {
        profile: 'factory',
      }),
    ).toBeGreaterThan(100);
  });

  it('when asked for something the registry cannot do, then the command says why', async () => {
    const unknown = await runCli(
      'detector/models-cli.ts',
      ['activate', 'factory', 'factory-19700101000000-0000'],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain(
      `profile factory has no version factory-19700101000000-0000 in registry ${env.MODEL_REGISTRY}`,
    );
    const badProfile = await runCli('detector/train.ts', ['--profile', 'spaceship'], env);
    expect(badProfile.code).toBe(2);
    expect(badProfile.output).toContain('--profile: unknown spaceship');
  });
});
