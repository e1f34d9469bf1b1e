import { Kafka, type KafkaClient, logLevel } from './kafkajs.js';

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** kafkajs logs at WARN and above unless told otherwise; its INFO level is a line per rebalance. */
  readonly verbose?: boolean;
}

/** Builds a kafkajs client with the retry policy the whole project uses. */
export function createKafkaClient({ clientId, brokers, verbose = false }: KafkaClientOptions): KafkaClient {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: verbose ? logLevel.INFO : logLevel.WARN,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
  });
}
