import { VERSIONS } from '../versions.js';
import type { MavenBundle } from './maven.js';

export const KAFKA_BUNDLE: MavenBundle = {
  name: 'kafka',
  artifacts: [
    { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: VERSIONS.kafka },
    // Command-line tools (perf tests, log dumps) live in their own artifact.
    { groupId: 'org.apache.kafka', artifactId: 'kafka-tools', version: VERSIONS.kafka },
    // The broker logs through slf4j but its pom does not bring a binding.
    { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: VERSIONS.slf4jReload4j },
  ],
};

/** Maven Central has no binary distribution of Cassandra 5, so the daemon runs from cassandra-all's classpath. */
export const CASSANDRA_BUNDLE: MavenBundle = {
  name: 'cassandra',
  artifacts: [{ groupId: 'org.apache.cassandra', artifactId: 'cassandra-all', version: VERSIONS.cassandra }],
};

export const JMX_EXPORTER_BUNDLE: MavenBundle = {
  name: 'jmx-exporter',
  artifacts: [
    { groupId: 'io.prometheus.jmx', artifactId: 'jmx_prometheus_javaagent', version: VERSIONS.jmxExporter },
  ],
};
