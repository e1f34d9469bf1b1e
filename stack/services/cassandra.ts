import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StackConfig } from '../config.js';
import type { StackPaths } from '../paths.js';
import type { ProcessSpec } from '../process/supervisor.js';
import { CASSANDRA, HOST } from '../topology.js';
import {
  CASSANDRA_GC_SETTINGS,
  CASSANDRA_MEMTABLE_SETTINGS,
  type CassandraMemtable,
  DEFAULT_CASSANDRA_MEMTABLE,
} from './cassandra-gc.js';
import { classpathOf, findJar, jvmBaseArgs } from './java.js';

/**
 * A single-node cassandra.yaml in 5.0's unit syntax, modelled on Cassandra's own test/conf/cassandra.yaml.
 * Everything not set here keeps Cassandra's default.
 */
export function renderCassandraYaml(
  dataDir: string,
  memtable: CassandraMemtable = DEFAULT_CASSANDRA_MEMTABLE,
): string {
  return `cluster_name: sensorwatch
num_tokens: 16
allocate_tokens_for_local_replication_factor: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${HOST}:${CASSANDRA.storagePort}"
listen_address: ${HOST}
rpc_address: ${HOST}
storage_port: ${CASSANDRA.storagePort}
native_transport_port: ${CASSANDRA.nativePort}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_directory: ${path.join(dataDir, 'commitlog')}
data_file_directories:
  - ${path.join(dataDir, 'data')}
saved_caches_directory: ${path.join(dataDir, 'saved_caches')}
hints_directory: ${path.join(dataDir, 'hints')}
cdc_raw_directory: ${path.join(dataDir, 'cdc_raw')}
# Two cores: one compactor, so compaction never takes both from the pipeline.
concurrent_compactors: 1
# The detector writes unlogged batches of 25 rows (≈ 12 KiB) spanning many partitions: on one node that
# is fewer requests, not a coordinator hot spot, so neither the size nor the partition count is worth a
# warning in the log for every batch.
batch_size_warn_threshold: 64KiB
batch_size_fail_threshold: 256KiB
unlogged_batch_across_partitions_warn_threshold: 1000
# Logins required; roles and their passwords live in system_auth (see cassandra-roles.ts).
authenticator:
  class_name: org.apache.cassandra.auth.PasswordAuthenticator
authorizer: CassandraAuthorizer
role_manager: CassandraRoleManager
${CASSANDRA_MEMTABLE_SETTINGS[memtable]}`;
}

export function renderCassandraLogback(): string {
  return `<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;
}

/**
 * What Cassandra's conf/jvm17-server.options adds on Java 17: the JDK internals it reaches into must be
 * exported or opened to the classpath.
 */
export const CASSANDRA_JAVA17_ARGS: readonly string[] = [
  '-Djdk.attach.allowAttachSelf=true',
  '-Dio.netty.tryReflectionSetAccessible=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].map((pkg) => `--add-exports=${pkg}=ALL-UNNAMED`),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
    'java.base/java.nio',
  ].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
];

export interface CassandraContext {
  readonly paths: StackPaths;
  readonly config: StackConfig;
  readonly cassandraLib: string;
  readonly jmxAgentJar: string;
  readonly jmxConfig: string;
}

/** Cassandra's log of the JVM's safepoints (see cassandraProcessSpec). */
export function safepointLogOf(paths: StackPaths): string {
  return path.join(cassandraFiles(paths).dataDir, 'logs', 'safepoints.log');
}

function cassandraFiles(paths: StackPaths) {
  const conf = paths.conf(CASSANDRA.name);
  return {
    conf,
    yaml: path.join(conf, 'cassandra.yaml'),
    logback: path.join(conf, 'logback.xml'),
    dataDir: paths.data(CASSANDRA.name),
  };
}

export async function prepareCassandra(ctx: CassandraContext): Promise<void> {
  const files = cassandraFiles(ctx.paths);
  await mkdir(files.conf, { recursive: true });
  await mkdir(path.join(files.dataDir, 'logs'), { recursive: true });
  await writeFile(files.yaml, renderCassandraYaml(files.dataDir, ctx.config.cassandraMemtable));
  await writeFile(files.logback, renderCassandraLogback());
}

export function cassandraProcessSpec(ctx: CassandraContext): ProcessSpec {
  const files = cassandraFiles(ctx.paths);
  const jamm = findJar(ctx.cassandraLib, 'jamm-');
  return {
    name: CASSANDRA.name,
    command: 'java',
    args: [
      ...jvmBaseArgs({
        heapMb: ctx.config.cassandraHeapMb,
        jmxAgentJar: ctx.jmxAgentJar,
        jmxPort: CASSANDRA.jmxExporterPort,
        jmxConfig: ctx.jmxConfig,
        gcArgs: CASSANDRA_GC_SETTINGS[ctx.config.cassandraGc],
      }),
      // Every stop of the world (collections and the JVM's other safepoints) with its length, in a
      // file beside Cassandra's logs: what its clients wait for, whichever collector runs.
      `-Xlog:safepoint:file=${safepointLogOf(ctx.paths)}::filecount=2,filesize=20m`,
      // Cassandra measures object sizes with jamm, which must be loaded as an agent.
      `-javaagent:${jamm}`,
      ...CASSANDRA_JAVA17_ARGS,
      '-XX:+UseStringDeduplication',
      '-Xss256k',
      `-Dcassandra.config=file://${files.yaml}`,
      `-Dlogback.configurationFile=file://${files.logback}`,
      `-Dcassandra.storagedir=${files.dataDir}`,
      `-Dcassandra.logdir=${path.join(files.dataDir, 'logs')}`,
      '-Dcassandra-foreground=yes',
      `-Dcassandra.jmx.local.port=${CASSANDRA.jmxPort}`,
      // A single node has nobody to gossip with: do not wait for gossip to settle.
      '-Dcassandra.skip_wait_for_gossip_to_settle=0',
      // Make the default superuser at once (not after 10 s), so the stack can replace it sooner.
      '-Dcassandra.superuser_setup_delay_ms=0',
      '-cp',
      classpathOf(ctx.cassandraLib),
      'org.apache.cassandra.service.CassandraDaemon',
    ],
    ports: { cql: CASSANDRA.nativePort, storage: CASSANDRA.storagePort, metrics: CASSANDRA.jmxExporterPort },
  };
}
