import { Kafka, type KafkaClient, logLevel } from './kafkajs.js';

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /**
   * kafkajs' own logging: `warn` by default; `silent` for clients whose errors are handled and reported
   * by the caller (start-up probes retry through expected errors such as "coordinator is loading").
   */
  readonly logging?: 'silent' | 'warn' | 'info';
}

/** Builds a kafkajs client with the retry policy the whole project uses. */
export function createKafkaClient({ clientId, brokers, logging = 'warn' }: KafkaClientOptions): KafkaClient {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: { silent: logLevel.NOTHING, warn: logLevel.WARN, info: logLevel.INFO }[logging],
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
  });
}
