import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { PRODUCER_RETRY } from '../common/kafka/client.js';
import type { KafkaClient } from '../common/kafka/kafkajs.js';
import { type Compression, compressionType } from '../common/kafka/kafkajs.js';
import { KeyHashPartitioner } from '../common/kafka/key-partitioner.js';
import { encodeReading, type Reading } from '../common/reading/reading.js';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_PROFILE,
  ATTR_STATION,
} from '../common/telemetry/attributes.js';
import { injectTraceHeaders } from '../common/telemetry/kafka-context.js';
import { isTracing } from '../common/telemetry/tracing.js';

const tracer = trace.getTracer('sensorwatch-producer');

/** Where simulated readings go. Kept small so another Kafka client could stand behind it. */
export interface ReadingPublisher {
  connect(): Promise<void>;
  /** Resolves once every reading is acknowledged by the in-sync replicas (acks=all). */
  publish(readings: readonly Reading[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** The readings producer's kafkajs settings (bench:kafka-clients measures kafkajs with these). */
export const READINGS_PRODUCER_OPTIONS = {
  idempotent: true,
  maxInFlightRequests: 5,
  allowAutoTopicCreation: false,
  createPartitioner: KeyHashPartitioner,
  retry: PRODUCER_RETRY,
};

/**
 * Publishes readings keyed by station id, so a station's readings share a partition and stay in order.
 * The idempotent producer makes a retried send land once, and acks=all with min.insync.replicas=2 means
 * an acknowledged reading is on two brokers.
 */
export function createKafkaReadingPublisher(
  kafka: KafkaClient,
  topic: string,
  compression: Compression = 'none',
  traced = isTracing(),
): ReadingPublisher {
  const producer = kafka.producer(READINGS_PRODUCER_OPTIONS);
  // No record timestamp: the topics stamp each record when it is appended (common/kafka/topics.ts).
  const messageOf = (reading: Reading) => ({ key: reading.stationId, value: encodeReading(reading) });
  const send = (messages: ReturnType<typeof messageOf>[]) =>
    producer.send({ topic, acks: -1, compression: compressionType(compression), messages });
  return {
    connect: () => producer.connect(),
    publish: async (readings) => {
      if (readings.length === 0) return;
      // Untraced, no span per reading: the spans would record nothing and carry no context.
      if (!traced) {
        await send(readings.map(messageOf));
        return;
      }
      // One send span per reading (each reading is its own trace), ended when the batch is acknowledged;
      // its context travels in the message headers (when the sampler records the span).
      const spans = readings.map((reading) =>
        tracer.startSpan(`send ${topic}`, {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR_MESSAGING_SYSTEM]: 'kafka',
            [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
            [ATTR_MESSAGING_OPERATION_NAME]: 'send',
            [ATTR_MESSAGING_DESTINATION_NAME]: topic,
            [ATTR_MESSAGING_KAFKA_MESSAGE_KEY]: reading.stationId,
            [ATTR_STATION]: reading.stationId,
            [ATTR_PROFILE]: reading.profile,
          },
        }),
      );
      try {
        await send(
          readings.map((reading, i) => {
            const span = spans[i];
            const headers = span?.isRecording()
              ? injectTraceHeaders(trace.setSpan(context.active(), span))
              : undefined;
            return headers ? { ...messageOf(reading), headers } : messageOf(reading);
          }),
        );
      } catch (error) {
        for (const span of spans)
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        for (const span of spans) span.end();
      }
    },
    disconnect: () => producer.disconnect(),
  };
}
