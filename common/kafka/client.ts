import { readFileSync } from 'node:fs';
import { Kafka, type KafkaClient, logLevel, type SASLOptions } from './kafkajs.js';

export interface KafkaSasl {
  readonly mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  readonly username: string;
  readonly password: string;
}

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Every Kafka sensorwatch talks to authenticates its clients: there is no anonymous mode. */
  readonly sasl: KafkaSasl;
  /** PEM of the CA that signed the brokers' certificates; when given, the connection uses TLS. */
  readonly sslCa?: string;
  /**
   * kafkajs' own logging: `warn` by default; `silent` for clients whose errors are handled and reported
   * by the caller (start-up probes retry through expected errors such as "coordinator is loading").
   */
  readonly logging?: 'silent' | 'warn' | 'info';
}

/**
 * The retry policy of the project's idempotent producers. They must retry for as long as it takes
 * (kafkajs warns otherwise), and often: when a broker dies, its partitions' new leaders are known
 * within seconds, and a backoff grown to 5 s would keep a send waiting after they are (a killed
 * controller's failover took 11.9 s with it and 6.6 s with 1 s, bench:kafka-clients). A send whose
 * partitions all lived on the dead broker waits out its backoff after the move: half a second at most.
 */
export const PRODUCER_RETRY = {
  retries: Number.MAX_SAFE_INTEGER,
  initialRetryTime: 100,
  maxRetryTime: 500,
} as const;

/**
 * The retry policy of the project's consumers. kafkajs gives a consumer five retries (1.7 s with the
 * client's policy) before it crashes, restarts and rejoins its group: a rebalance for every member, and for
 * a detector a restore of its partitions' state. A broker's failover (its session, 2 s, then leader
 * elections) takes 2–5 s on this stack, the longer when the broker was also the active controller. Eight
 * retries, with no initial wait of their own, ran out 5.4 s after such a kill in one CI run
 * (coordinator-kill); these start at 300 ms and wait about 30 s in all.
 */
export const CONSUMER_RETRY = { initialRetryTime: 300, retries: 10, maxRetryTime: 5_000 } as const;

/** Builds a kafkajs client with the retry policy the whole project uses. */
export function createKafkaClient({
  clientId,
  brokers,
  sasl,
  sslCa,
  logging = 'warn',
}: KafkaClientOptions): KafkaClient {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    // kafkajs types each mechanism apart; the three share one shape.
    sasl: { ...sasl } as SASLOptions,
    ...(sslCa ? { ssl: { ca: [sslCa] } } : {}),
    logLevel: { silent: logLevel.NOTHING, warn: logLevel.WARN, info: logLevel.INFO }[logging],
    connectionTimeout: 3_000,
    // SCRAM takes two extra round trips per connection; on a busy 2-core machine 1 s (the default) is short.
    authenticationTimeout: 10_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
  });
}

/** The client for the `KAFKA_*` configuration keys (common/config/shared.ts) every service reads. */
export function kafkaClientFor(
  config: {
    readonly kafkaBrokers: readonly string[];
    readonly kafkaSaslMechanism: KafkaSasl['mechanism'];
    readonly kafkaSaslUsername: string;
    readonly kafkaSaslPassword: string;
    readonly kafkaSslCaFile?: string | undefined;
  },
  clientId: string,
): KafkaClient {
  return createKafkaClient({
    clientId,
    brokers: config.kafkaBrokers,
    sasl: {
      mechanism: config.kafkaSaslMechanism,
      username: config.kafkaSaslUsername,
      password: config.kafkaSaslPassword,
    },
    ...(config.kafkaSslCaFile ? { sslCa: readFileSync(config.kafkaSslCaFile, 'utf8') } : {}),
  });
}
