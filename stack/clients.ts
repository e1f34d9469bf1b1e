import type { Client } from 'cassandra-driver';
import { createCassandraClient } from '../common/cassandra/client.js';
import { createKafkaClient } from '../common/kafka/client.js';
import type { KafkaClient } from '../common/kafka/kafkajs.js';
import { cassandraCredentialsOf, kafkaSaslOf, type StackSecrets } from './secrets.js';
import { CASSANDRA, HOST, KAFKA_BOOTSTRAP } from './topology.js';

/**
 * Clients for the native stack's Kafka and Cassandra, logged in with the stack's secrets: for the stack's
 * own probes, the tests and the benchmarks (services read the same values from their environment).
 */
export function stackKafkaClient(
  secrets: StackSecrets,
  clientId: string,
  brokers: readonly string[] = KAFKA_BOOTSTRAP,
): KafkaClient {
  return createKafkaClient({ clientId, brokers, sasl: kafkaSaslOf(secrets), logging: 'silent' });
}

export function stackCassandraClient(secrets: StackSecrets, keyspace?: string): Client {
  return stackCassandraClientAs(cassandraCredentialsOf(secrets), keyspace);
}

/** A client of the native stack's Cassandra logged in as any role (the role set-up needs the built-in one). */
export function stackCassandraClientAs(
  credentials: { readonly username: string; readonly password: string },
  keyspace?: string,
): Client {
  return createCassandraClient({
    contactPoints: [`${HOST}:${CASSANDRA.nativePort}`],
    localDataCenter: CASSANDRA.datacenter,
    credentials,
    ...(keyspace ? { keyspace } : {}),
  });
}
