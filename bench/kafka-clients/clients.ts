/**
 * The three Kafka clients issue 18 compares, each behind the same two small interfaces: a producer that
 * sends keyed records with headers (idempotent, acks=all, Java-compatible murmur2 partitioning, as the
 * project's publishers do) and a consumer that reads a topic from its start in a fresh group. Only what
 * the comparison needs; the services still use kafkajs through common/kafka.
 */
import { createRequire } from 'node:module';
import { createKafkaClient, type KafkaSasl } from '../../common/kafka/client.js';
import { READINGS_PRODUCER_OPTIONS } from '../../producer/readings.publisher.js';

export const KAFKA_CLIENT_NAMES = ['kafkajs', 'platformatic', 'confluent'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENT_NAMES)[number];

export interface BenchRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

export interface RecordProducer {
  connect(): Promise<void>;
  /** Resolves once every record is acknowledged by the in-sync replicas. */
  send(topic: string, records: readonly BenchRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumedRecord {
  readonly key: string;
  readonly value: Buffer;
  /** The value of one header (the trace context's `traceparent`), as the client hands it over. */
  readonly traceparent: string | undefined;
}

export interface RecordConsumer {
  /** Reads `topic` from its earliest offset, handing over records as the client delivers them. */
  start(topic: string, onRecords: (records: readonly ConsumedRecord[]) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface ClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly sasl: KafkaSasl;
  /** Where @confluentinc/kafka-javascript was built (bench/kafka-clients/confluent-install.ts). */
  readonly confluentDir?: string;
}

export interface ClientPair {
  producer(): RecordProducer;
  consumer(groupId: string): RecordConsumer;
}

export function clientPair(name: KafkaClientName, options: ClientOptions): Promise<ClientPair> {
  switch (name) {
    case 'kafkajs':
      return Promise.resolve(kafkajsPair(options));
    case 'platformatic':
      return platformaticPair(options);
    case 'confluent':
      return Promise.resolve(confluentPair(options));
  }
}

/** kafkajs with the project's own client settings and the publishers' producer settings. */
function kafkajsPair(options: ClientOptions): ClientPair {
  const kafka = createKafkaClient({ ...options, logging: 'silent' });
  return {
    producer() {
      const producer = kafka.producer(READINGS_PRODUCER_OPTIONS);
      return {
        connect: () => producer.connect(),
        async send(topic, records) {
          await producer.send({
            topic,
            acks: -1,
            messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
          });
        },
        disconnect: () => producer.disconnect(),
      };
    },
    consumer(groupId) {
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000 });
      return {
        async start(topic, onRecords) {
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              onRecords(
                batch.messages.map((m) => ({
                  key: m.key?.toString() ?? '',
                  value: m.value ?? Buffer.alloc(0),
                  traceparent: m.headers?.traceparent?.toString(),
                })),
              );
            },
          });
        },
        stop: () => consumer.disconnect(),
      };
    },
  };
}

/** @platformatic/kafka: pure TypeScript, Buffers in and out. */
async function platformaticPair(options: ClientOptions): Promise<ClientPair> {
  const kafka = await import('@platformatic/kafka');
  const base = {
    clientId: options.clientId,
    bootstrapBrokers: [...options.brokers],
    sasl: {
      mechanism: options.sasl.mechanism.toUpperCase() as 'SCRAM-SHA-512',
      username: options.sasl.username,
      password: options.sasl.password,
    },
    connectTimeout: 3_000,
    timeout: 30_000,
    // Bounded, unlike the others' (which retry for ever): 2.12.1 retries a partition that moved on a
    // broker kill without refreshing its leader (bench:kafka-clients --failover), so a send would hang
    // for good; this way it fails after a minute and says why.
    retries: 600,
    retryDelay: 100,
  };
  return {
    producer() {
      const producer = new kafka.Producer({
        ...base,
        idempotent: true,
        acks: -1,
        autocreateTopics: false,
        // The Java client's and kafkajs' placement, so a station keeps its partition whichever client sends.
        partitioner: kafka.compatibilityPartitioner,
      });
      return {
        connect: async () => {
          await producer.metadata({ topics: [] });
        },
        async send(topic, records) {
          await producer.send({
            messages: records.map((r) => ({
              topic,
              key: Buffer.from(r.key),
              value: r.value,
              headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
            })),
          });
        },
        disconnect: () => producer.close(),
      };
    },
    consumer(groupId) {
      const consumer = new kafka.Consumer({
        ...base,
        groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 3_000,
      });
      const traceparent = Buffer.from('traceparent');
      return {
        async start(topic, onRecords) {
          const stream = await consumer.consume({
            topics: [topic],
            mode: kafka.MessagesStreamModes.EARLIEST,
            autocommit: false,
          });
          stream.on('data', (m) => {
            let header: Buffer | undefined;
            for (const [k, v] of m.headers) if (traceparent.equals(k)) header = v;
            onRecords([{ key: m.key?.toString() ?? '', value: m.value, traceparent: header?.toString() }]);
          });
        },
        stop: () => consumer.close(true),
      };
    },
  };
}

/**
 * @confluentinc/kafka-javascript (librdkafka) through its KafkaJS-compatible API, loaded from where the
 * bench built it: it is not a project dependency, as its native build takes minutes.
 */
function confluentPair(options: ClientOptions): ClientPair {
  if (!options.confluentDir)
    throw new Error('confluent: confluentDir is required (see confluent-install.ts)');
  const require = createRequire(`${options.confluentDir}/`);
  // biome-ignore lint/suspicious/noExplicitAny: the package is loaded from a build folder, without types.
  const { KafkaJS } = require('@confluentinc/kafka-javascript') as { KafkaJS: any };
  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      clientId: options.clientId,
      brokers: [...options.brokers],
      sasl: { ...options.sasl },
      connectionTimeout: 3_000,
      logLevel: KafkaJS.logLevel.ERROR,
    },
    // librdkafka's default is CRC32; murmur2_random is the Java client's and kafkajs' placement.
    partitioner: 'murmur2_random',
  });
  return {
    producer() {
      const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
      return {
        connect: () => producer.connect(),
        async send(topic, records) {
          await producer.send({
            topic,
            messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
          });
        },
        disconnect: () => producer.disconnect(),
      };
    },
    consumer(groupId) {
      const consumer = kafka.consumer({ kafkaJS: { groupId, fromBeginning: true, autoCommit: false } });
      return {
        async start(topic, onRecords) {
          await consumer.connect();
          await consumer.subscribe({ topics: [topic] });
          await consumer.run({
            eachBatch: async ({
              batch,
            }: {
              batch: { messages: { key?: Buffer; value: Buffer; headers?: Record<string, unknown> }[] };
            }) => {
              onRecords(
                batch.messages.map((m) => ({
                  key: m.key?.toString() ?? '',
                  value: m.value,
                  traceparent: m.headers?.traceparent?.toString(),
                })),
              );
            },
          });
        },
        stop: () => consumer.disconnect(),
      };
    },
  };
}
