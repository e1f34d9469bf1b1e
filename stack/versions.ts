import { JEMALLOC_PACKAGE } from './install/jemalloc.js';

/** Pinned versions of everything the native stack downloads. Bumping one here re-downloads it. */
export const VERSIONS = {
  /** 3.9 is the last line with both KRaft-only operation and the slf4j/reload4j logging kafkajs users know. */
  kafka: '3.9.1',
  /** 5.0 is the first Cassandra line that runs on Java 17. */
  cassandra: '5.0.6',
  jmxExporter: '1.0.1',
  /** Matches the `slf4j-api` that kafka 3.9 brings. */
  slf4jReload4j: '1.7.36',
} as const;

/** Debian packages that provide Prometheus, promtool and Alertmanager, and the detector's allocator. */
export const DEBIAN_PACKAGES = ['prometheus', 'prometheus-alertmanager', JEMALLOC_PACKAGE] as const;
