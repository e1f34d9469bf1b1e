import type { KafkaClient } from '../common/kafka/kafkajs.js';
import { CompressionTypes, Partitioners } from '../common/kafka/kafkajs.js';
import { encodeReading, type Reading } from '../common/reading/reading.js';

/** Where simulated readings go. Kept small so another Kafka client could stand behind it. */
export interface ReadingPublisher {
  connect(): Promise<void>;
  /** Resolves once every reading is acknowledged by the in-sync replicas (acks=all). */
  publish(readings: readonly Reading[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Publishes readings keyed by station id, so a station's readings share a partition and stay in order.
 * The idempotent producer makes a retried send land once, and acks=all with min.insync.replicas=2 means
 * an acknowledged reading is on two brokers.
 */
export function createKafkaReadingPublisher(kafka: KafkaClient, topic: string): ReadingPublisher {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // The idempotent producer must be allowed to retry for as long as it takes (kafkajs warns otherwise).
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
  return {
    connect: () => producer.connect(),
    publish: async (readings) => {
      if (readings.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: readings.map((reading) => ({
          key: reading.stationId,
          value: encodeReading(reading),
          timestamp: String(Date.parse(reading.ts)),
        })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
