import { ensureTopics } from '../../common/kafka/admin.js';
import type { KafkaClient } from '../../common/kafka/kafkajs.js';
import { Partitioners } from '../../common/kafka/kafkajs.js';
import { TOPICS, type TopicDefinition } from '../../common/kafka/topics.js';
import { eventually, uniqueName } from './stack.js';

/**
 * Creates a throwaway topic with the configs of the pipeline topic it stands in for (RF 3,
 * min.insync.replicas 2, records stamped at append time); `partitions` as the test needs.
 */
export async function createTestTopic(
  kafka: KafkaClient,
  partitions: number,
  like: TopicDefinition = TOPICS.readings,
): Promise<string> {
  const topic = uniqueName('test.topic');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [{ ...like, name: topic, partitions }]);
  } finally {
    await admin.disconnect();
  }
  return topic;
}

export async function deleteTestTopic(kafka: KafkaClient, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until `groupId` has committed, on every partition of `topic`, the end of what the partition
 * holds: whatever joins the group next starts after it and replays nothing.
 */
export async function awaitGroupCaughtUp(
  kafka: KafkaClient,
  groupId: string,
  topic: string,
  timeoutMs = 60_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(
      `group ${groupId} to commit every offset of ${topic}`,
      async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map(committed?.partitions.map((p) => [p.partition, p.offset]));
        return ends.every((end) => end.high === '0' || at.get(end.partition) === end.high) ? true : undefined;
      },
      timeoutMs,
    );
  } finally {
    await admin.disconnect();
  }
}

export function idempotentProducer(kafka: KafkaClient) {
  return kafka.producer({
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  /** The record's timestamp, ms since the epoch. */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Reads the topic from the beginning with a fresh group until at least `count` distinct records
 * (partition, offset) have arrived and then nothing more for `idleMs`, so records beyond `count` are
 * seen too; fails after `timeoutMs`. Returns each record of the log once: a consumer may legitimately be
 * handed the same offset twice after a rebalance (at-least-once delivery), which says nothing about what
 * the brokers hold. `rackId` makes the consumer fetch from that rack's replica.
 */
export async function consumeAll(
  kafka: KafkaClient,
  topic: string,
  count: number,
  {
    rackId,
    timeoutMs = 60_000,
    idleMs = 1_000,
  }: { rackId?: string; timeoutMs?: number; idleMs?: number } = {},
): Promise<ConsumedRecord[]> {
  // A short long-poll: disconnect() waits for the fetch in flight, which by default lasts up to 5 s.
  const consumer = kafka.consumer({
    groupId: uniqueName('test.group'),
    maxWaitTimeInMs: 250,
    ...(rackId ? { rackId } : {}),
  });
  const records = new Map<string, ConsumedRecord>();
  let lastArrival = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString() ?? '']),
        );
        const record = {
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          timestamp: Number(message.timestamp),
          headers,
        };
        records.set(`${partition}:${message.offset}`, record);
        lastArrival = Date.now();
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (records.size < count || Date.now() - lastArrival < idleMs) {
      if (Date.now() > deadline)
        throw new Error(`consumed ${records.size} of ${count} records from ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return [...records.values()];
}
