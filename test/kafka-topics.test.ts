import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../common/kafka/admin.js';
import { type Admin, ConfigResourceTypes } from '../common/kafka/kafkajs.js';
import { TOPICS, type TopicDefinition } from '../common/kafka/topics.js';
import { profileNames } from '../common/reading/profiles.js';
import { encodeReading } from '../common/reading/reading.js';
import { Fleet } from '../producer/fleet.js';
import { consumeAll, deleteTestTopic, idempotentProducer } from './support/kafka.js';
import { eventually, kafkaClient, uniqueName } from './support/stack.js';
import { REFERENCE_TS } from './support/test-time.js';

const kafka = kafkaClient();

/** The readings topic under a name of this test's own. */
const definition: TopicDefinition = { ...TOPICS.readings, name: uniqueName('test.topic.readings') };
const retentionMs = Number(TOPICS.readings.configs['retention.ms']);

/** A topic config as a broker describes it (retried while the answering broker does not know the topic yet). */
function configOf(admin: Admin, topic: string, name: string): Promise<string> {
  return eventually(`${topic}'s ${name}`, async () => {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
    });
    return described.resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
  });
}

describe('the pipeline’s topics: retention counts from when a record arrived, not from when it was read', () => {
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(async () => {
    await deleteTestTopic(kafka, definition.name).catch(() => {});
    await admin.disconnect();
  });

  it('when a topic was created without the timestamp setting (as before), then ensureTopics sets it to append time', async () => {
    const { 'message.timestamp.type': _, ...earlierConfigs } = definition.configs;
    expect(await ensureTopics(admin, [{ ...definition, configs: earlierConfigs }])).toEqual([
      { topic: definition.name, action: 'created' },
    ]);
    expect(await configOf(admin, definition.name, 'message.timestamp.type')).toBe('CreateTime');

    const changes = await ensureTopics(admin, [definition]);

    expect(changes).toEqual([{ topic: definition.name, action: 'configs-updated' }]);
    expect(await configOf(admin, definition.name, 'message.timestamp.type')).toBe('LogAppendTime');
    expect(await configOf(admin, definition.name, 'retention.ms')).toBe(
      TOPICS.readings.configs['retention.ms'],
    );
  });

  it('when a producer stamps a reading with its own time, older than the retention, then the broker stamps it with the time it was appended', async () => {
    // A reading from the fixed reference time, which lies further back than the readings topic's 7 days.
    const [reading] = new Fleet({
      replicaId: 'retention',
      profiles: profileNames().slice(0, 1),
      stations: 1,
      anomalyRate: 0,
      originTs: REFERENCE_TS,
      seed: 11,
    }).tick(REFERENCE_TS);
    if (!reading) throw new Error('the fleet made no reading');
    const readingTime = Date.parse(reading.ts);
    expect(Date.now() - readingTime).toBeGreaterThan(retentionMs);

    const producer = idempotentProducer(kafka);
    await producer.connect();
    const sentAt = Date.now();
    try {
      await producer.send({
        topic: definition.name,
        acks: -1,
        messages: [{ key: reading.stationId, value: encodeReading(reading), timestamp: String(readingTime) }],
      });
    } finally {
      await producer.disconnect();
    }

    const [record] = await consumeAll(kafka, definition.name, 1, { idleMs: 0 });
    // Stamped with the reading's own time, the record would sit in a segment already past its retention,
    // and the broker's next retention check would delete it, acknowledged and perhaps not yet read.
    expect(record?.timestamp).toBeGreaterThanOrEqual(sentAt);
    expect(record?.timestamp).toBeGreaterThan(readingTime + retentionMs);
    expect(record?.value).toBe(encodeReading(reading).toString());
  });
});
