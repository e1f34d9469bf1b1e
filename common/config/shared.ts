import { z } from 'zod';
import { TOPICS } from '../kafka/topics.js';
import { envKey, hostPortList, intInRange, port } from './env.js';

/** Configuration keys several services share, so each is named and documented once. */
export const KAFKA_KEYS = {
  kafkaBrokers: envKey(
    'KAFKA_BROKERS',
    hostPortList().default(['127.0.0.1:19092', '127.0.0.1:29092', '127.0.0.1:39092']),
    'Kafka bootstrap servers, host:port[,host:port...].',
  ),
  kafkaSaslMechanism: envKey(
    'KAFKA_SASL_MECHANISM',
    z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
    'SASL mechanism for Kafka.',
  ),
  kafkaSaslUsername: envKey(
    'KAFKA_SASL_USERNAME',
    z.string({ error: 'required' }).min(1),
    'Kafka SASL user (the native stack writes it to .stack/secrets.env).',
  ),
  kafkaSaslPassword: envKey(
    'KAFKA_SASL_PASSWORD',
    z.string({ error: 'required' }).min(8, { error: 'expected at least 8 characters' }),
    'Kafka SASL password (the native stack writes it to .stack/secrets.env).',
  ),
  kafkaSslCaFile: envKey(
    'KAFKA_SSL_CA_FILE',
    z.string().min(1).optional(),
    "PEM file of the CA that signed the brokers' certificates; when set, Kafka is reached over TLS.",
  ),
};

/** Settings of the services that publish to Kafka (the producers and the detector). */
export const KAFKA_PUBLISH_KEYS = {
  kafkaCompression: envKey(
    'KAFKA_COMPRESSION',
    z.enum(['none', 'gzip'], { error: 'expected none or gzip' }).default('none'),
    'Compression of the record batches this service publishes (consumers read either).',
  ),
};

export const CASSANDRA_KEYS = {
  cassandraContactPoints: envKey(
    'CASSANDRA_CONTACT_POINTS',
    hostPortList().default(['127.0.0.1:9042']),
    'Cassandra contact points, host:port[,host:port...].',
  ),
  cassandraDatacenter: envKey(
    'CASSANDRA_DATACENTER',
    z.string().min(1).default('datacenter1'),
    'Local datacenter.',
  ),
  cassandraKeyspace: envKey(
    'CASSANDRA_KEYSPACE',
    z.string().regex(/^\w+$/).default('sensorwatch'),
    'Keyspace.',
  ),
  cassandraUsername: envKey(
    'CASSANDRA_USERNAME',
    z.string({ error: 'required' }).min(1),
    'Cassandra role to log in as (the native stack writes it to .stack/secrets.env).',
  ),
  cassandraPassword: envKey(
    'CASSANDRA_PASSWORD',
    z.string({ error: 'required' }).min(8, { error: 'expected at least 8 characters' }),
    'Password of that role (the native stack writes it to .stack/secrets.env).',
  ),
};

export const logLevel = () => z.enum(['debug', 'info', 'warn', 'error']).default('info');

export const METRICS_KEYS = (defaultPort: number) => ({
  metricsPort: envKey('METRICS_PORT', port().default(defaultPort), 'Port of /metrics, /healthz and /readyz.'),
  metricsHost: envKey('METRICS_HOST', z.string().default('0.0.0.0'), 'Address /metrics listens on.'),
});

/** Keys of every long-running service. */
export const SERVICE_KEYS = {
  logLevel: envKey('LOG_LEVEL', logLevel(), 'debug, info, warn or error.'),
  shutdownGraceMs: envKey(
    'SHUTDOWN_GRACE_MS',
    intInRange(1_000, 120_000).default(20_000),
    'How long a SIGTERM shutdown may take before the process exits anyway.',
  ),
};

const topicName = () => z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: 'expected a Kafka topic name' });

export const TOPIC_KEYS = {
  readingsTopic: envKey(
    'READINGS_TOPIC',
    topicName().default(TOPICS.readings.name),
    'Topic of raw readings.',
  ),
  scoredTopic: envKey('SCORED_TOPIC', topicName().default(TOPICS.scored.name), 'Topic of scored readings.'),
  deadLetterTopic: envKey(
    'DEAD_LETTER_TOPIC',
    topicName().default(TOPICS.deadLetter.name),
    'Topic of rejected messages, with the reason in their headers.',
  ),
};

export const MODEL_REGISTRY_KEYS = {
  modelRegistry: envKey(
    'MODEL_REGISTRY',
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: 'expected lower-case letters, digits, ".", "_" or "-"' })
      .default('default'),
    'Name of the model registry (in Cassandra) that detectors follow and training registers versions in.',
  ),
};
