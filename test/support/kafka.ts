import { awaitTopicsReady } from '../../common/kafka/admin.js';
import type { KafkaClient } from '../../common/kafka/kafkajs.js';
import { Partitioners } from '../../common/kafka/kafkajs.js';
import { uniqueName } from './stack.js';

/** Creates a throwaway topic replicated like the pipeline's (RF 3, min.insync.replicas 2). */
export async function createTestTopic(kafka: KafkaClient, partitions: number): Promise<string> {
  const topic = uniqueName('test.topic');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      // kafkajs' own waitForLeaders fails on UNKNOWN_TOPIC_OR_PARTITION from a broker that has not caught
      // up yet; awaitTopicsReady below retries through it.
      waitForLeaders: false,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    await awaitTopicsReady(admin, [topic]);
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

export function idempotentProducer(kafka: KafkaClient) {
  return kafka.producer({
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}

/**
 * Reads the topic from the beginning with a fresh group until `count` messages have arrived (or the
 * timeout passes) and returns their values. `rackId` makes the consumer fetch from that rack's replica.
 */
export async function consumeAll(
  kafka: KafkaClient,
  topic: string,
  count: number,
  { rackId, timeoutMs = 60_000 }: { rackId?: string; timeoutMs?: number } = {},
): Promise<string[]> {
  // A short long-poll: disconnect() waits for the fetch in flight, which by default lasts up to 5 s.
  const consumer = kafka.consumer({
    groupId: uniqueName('test.group'),
    maxWaitTimeInMs: 250,
    ...(rackId ? { rackId } : {}),
  });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${values.length} of ${count} messages from ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
