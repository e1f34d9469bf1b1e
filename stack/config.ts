import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type ConfigOf, envKey, intInRange, parseConfig } from '../common/config/env.js';
import {
  CASSANDRA_GC_NAMES,
  CASSANDRA_MEMTABLE_NAMES,
  DEFAULT_CASSANDRA_MEMTABLE,
} from './services/cassandra-gc.js';

/** Kafka's own replica.fetch.min.bytes: a follower's fetch is answered as soon as anything is appended. */
export const KAFKA_DEFAULT_REPLICA_FETCH_MIN_BYTES = 1;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Settings of the native stack. Heaps are sized so Kafka ×3, Cassandra, Prometheus, the pipeline and the
 * tests fit together on a 2-core, 24 GiB machine with room to spare.
 */
export const STACK_CONFIG = {
  home: envKey(
    'SENSORWATCH_STACK_HOME',
    z.string().default(path.join(REPO_ROOT, '.stack')),
    'Folder for downloads, data, logs and pid files of the native stack (git-ignored).',
  ),
  kafkaHeapMb: envKey(
    'SENSORWATCH_KAFKA_HEAP_MB',
    intInRange(256, 8192).default(512),
    'Heap of each Kafka node.',
  ),
  instance: envKey(
    'SENSORWATCH_STACK_INSTANCE',
    z
      .string()
      .regex(/^([a-z][a-z0-9-]{0,30})?$/, { error: 'expected a lower-case name, or empty for the default' })
      .default(''),
    'A named stack beside the default one: its own data, logs and pid records, the same downloads, ' +
      'secrets and ports. The test command runs in "test", so tests never write into the stack of npm start.',
  ),
  kafkaReplicaFetchMinBytes: envKey(
    'SENSORWATCH_KAFKA_REPLICA_FETCH_MIN_BYTES',
    intInRange(1, 1024 * 1024).default(KAFKA_DEFAULT_REPLICA_FETCH_MIN_BYTES),
    "Bytes a follower broker waits for before its fetch returns (replica.fetch.min.bytes; at most replica.fetch.wait.max.ms, 50 ms when above 1). 1, Kafka's default, answers each append at once; measured with npm run bench:pipeline in docs/benchmarks.md.",
  ),
  cassandraHeapMb: envKey(
    'SENSORWATCH_CASSANDRA_HEAP_MB',
    intInRange(512, 16_384).default(1024),
    'Heap of the Cassandra node.',
  ),
  cassandraGc: envKey(
    'SENSORWATCH_CASSANDRA_GC',
    z.enum(CASSANDRA_GC_NAMES, { error: `expected one of ${CASSANDRA_GC_NAMES.join(', ')}` }).default('g1'),
    'Garbage collector settings of the Cassandra node (stack/services/cassandra-gc.ts); npm run bench:cassandra-gc compares them.',
  ),
  cassandraMemtable: envKey(
    'SENSORWATCH_CASSANDRA_MEMTABLE',
    z
      .enum(CASSANDRA_MEMTABLE_NAMES, { error: `expected one of ${CASSANDRA_MEMTABLE_NAMES.join(', ')}` })
      .default(DEFAULT_CASSANDRA_MEMTABLE),
    'Memtable settings of the Cassandra node (stack/services/cassandra-gc.ts); npm run bench:cassandra-gc compares them.',
  ),
  startTimeoutSeconds: envKey(
    'SENSORWATCH_STACK_START_TIMEOUT_S',
    intInRange(10, 1800).default(240),
    'How long start-up waits for every service to be ready before failing.',
  ),
};

export type StackConfig = ConfigOf<typeof STACK_CONFIG>;

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  return parseConfig(STACK_CONFIG, env);
}
