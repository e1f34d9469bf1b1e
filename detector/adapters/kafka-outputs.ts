import { PRODUCER_RETRY } from '../../common/kafka/client.js';
import type { KafkaClient } from '../../common/kafka/kafkajs.js';
import { type Compression, compressionType } from '../../common/kafka/kafkajs.js';
import { KeyHashPartitioner } from '../../common/kafka/key-partitioner.js';
import { createSendCoalescer } from '../../common/kafka/send-coalescer.js';
import { encodeScored, type RejectedMessage, type ScoredReading } from '../../scoring/scored-reading.js';

/** Headers a dead-letter record carries, so it can be understood and replayed without its context. */
export const DLQ_HEADERS = {
  code: 'x-dlq-code',
  reason: 'x-dlq-reason',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  rejectedAt: 'x-dlq-rejected-at',
} as const;

/** The detector's outputs to Kafka besides Cassandra. */
export interface DetectorOutputs {
  connect(): Promise<void>;
  /** Resolves when the rejected messages are acknowledged on the dead-letter topic. */
  deadLetter(rejected: readonly RejectedMessage[], sourceTopic: string): Promise<void>;
  /** Resolves when the scored readings are acknowledged on the scored topic. */
  publishScored(scored: readonly ScoredReading[]): Promise<void>;
  disconnect(): Promise<void>;
}

export function createKafkaDetectorOutputs(
  kafka: KafkaClient,
  topics: { scored: string; deadLetter: string },
  {
    compression = 'none',
    scoredLingerMs = 0,
    now = () => Date.now(),
  }: {
    compression?: Compression;
    /** How long scored readings wait for others to share their produce request (0: sent at once). */
    scoredLingerMs?: number;
    now?: () => number;
  } = {},
): DetectorOutputs {
  const producer = kafka.producer({
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: KeyHashPartitioner,
    retry: PRODUCER_RETRY,
  });
  const sendScored = createSendCoalescer<{ key: string; value: Buffer }>(
    async (messages) => {
      await producer.send({
        topic: topics.scored,
        acks: -1,
        compression: compressionType(compression),
        messages,
      });
    },
    { lingerMs: scoredLingerMs, maxItems: 2_000 },
  );
  return {
    connect: () => producer.connect(),
    async deadLetter(rejected, sourceTopic) {
      if (rejected.length === 0) return;
      const rejectedAt = new Date(now()).toISOString();
      await producer.send({
        topic: topics.deadLetter,
        acks: -1,
        messages: rejected.map((r) => ({
          key: r.key,
          // The original bytes, untouched; a record too big for Kafka would have been refused upstream.
          value: r.value,
          headers: {
            [DLQ_HEADERS.code]: r.code,
            [DLQ_HEADERS.reason]: r.reason,
            [DLQ_HEADERS.sourceTopic]: sourceTopic,
            [DLQ_HEADERS.sourcePartition]: String(r.partition),
            [DLQ_HEADERS.sourceOffset]: r.offset,
            [DLQ_HEADERS.rejectedAt]: rejectedAt,
          },
        })),
      });
    },
    async publishScored(scored) {
      await sendScored(scored.map((s) => ({ key: s.reading.stationId, value: encodeScored(s) })));
    },
    disconnect: () => producer.disconnect(),
  };
}
