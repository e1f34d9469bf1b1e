import type { StackPaths } from '../paths.js';
import { findJar } from '../services/java.js';
import { DEBIAN_PACKAGES } from '../versions.js';
import { CASSANDRA_BUNDLE, JMX_EXPORTER_BUNDLE, KAFKA_BUNDLE } from './bundles.js';
import { ensureDebianPackages, ensureJava17 } from './debian.js';
import { jemallocLibraryPath } from './jemalloc.js';
import { ensureMavenBundle } from './maven.js';

/** Where the installed pieces are. */
export interface Installed {
  readonly kafkaLib: string;
  readonly cassandraLib: string;
  readonly jmxAgentJar: string;
}

/**
 * Installs what the stack runs on, reusing whatever is already there: Java is checked; Prometheus,
 * Alertmanager and jemalloc come from Debian's packages; Kafka, Cassandra and the JMX exporter from Maven
 * Central.
 */
export async function installStack(paths: StackPaths, log: (line: string) => void): Promise<Installed> {
  await ensureJava17();
  await ensureDebianPackages(DEBIAN_PACKAGES, ['prometheus', 'promtool', 'prometheus-alertmanager'], log, [
    jemallocLibraryPath(),
  ]);
  // One at a time: parallel Maven runs on one local repository can corrupt it.
  const kafkaLib = await ensureMavenBundle(paths, KAFKA_BUNDLE, log);
  const cassandraLib = await ensureMavenBundle(paths, CASSANDRA_BUNDLE, log);
  const jmxLib = await ensureMavenBundle(paths, JMX_EXPORTER_BUNDLE, log);
  return { kafkaLib, cassandraLib, jmxAgentJar: findJar(jmxLib, 'jmx_prometheus_javaagent-') };
}
