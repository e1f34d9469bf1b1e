import { randomUUID } from 'node:crypto';
import { ensureTopics } from '../common/kafka/admin.js';
import { type KafkaClient, Partitioners } from '../common/kafka/kafkajs.js';
import type { TopicDefinition } from '../common/kafka/topics.js';

/** A small topic whose only use is proving the cluster works end to end. */
export const READINESS_TOPIC: TopicDefinition = {
  name: 'sensorwatch.readiness',
  partitions: 3,
  replicationFactor: 3,
  configs: { 'min.insync.replicas': '2', 'retention.ms': String(60 * 60 * 1000) },
};

export interface RoundTripResult {
  readonly partitions: number;
  readonly leaders: readonly number[];
  readonly milliseconds: number;
}

/**
 * Proves the cluster works through all three brokers: every partition of the readiness topic must have
 * all three replicas in sync, one message per partition is produced with acks=all (so every in-sync
 * replica has it before the ack), and each is consumed back.
 */
export async function kafkaRoundTrip(kafka: KafkaClient, timeoutMs = 60_000): Promise<RoundTripResult> {
  const started = Date.now();
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: 'sensorwatch-readiness', allowAutoTopicCreation: false });
  try {
    await admin.connect();
    await ensureTopics(admin, [READINESS_TOPIC]);
    const metadata = await admin.fetchTopicMetadata({ topics: [READINESS_TOPIC.name] });
    const partitions = metadata.topics[0]?.partitions ?? [];
    const lagging = partitions.filter((p) => p.isr.length < READINESS_TOPIC.replicationFactor);
    if (partitions.length !== READINESS_TOPIC.partitions || lagging.length > 0) {
      throw new Error(`${READINESS_TOPIC.name}: not every partition has 3 in-sync replicas yet`);
    }

    const nonce = randomUUID();
    const expected = new Set(partitions.map((p) => p.partitionId));
    const seen = new Set<number>();
    let resolveAll: () => void = () => {};
    const allSeen = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });

    await consumer.connect();
    await consumer.subscribe({ topic: READINESS_TOPIC.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value?.toString() === nonce) seen.add(partition);
        if (seen.size === expected.size) resolveAll();
      },
    });

    await producer.connect();
    await producer.send({
      topic: READINESS_TOPIC.name,
      acks: -1,
      messages: [...expected].map((partition) => ({ partition, value: nonce })),
    });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`consumed ${seen.size} of ${expected.size} messages back`)),
        timeoutMs,
      );
    });
    await Promise.race([allSeen, timeout]).finally(() => clearTimeout(timer));
    return {
      partitions: partitions.length,
      leaders: [...new Set(partitions.map((p) => p.leader))].sort(),
      milliseconds: Date.now() - started,
    };
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
}
