import { z } from 'zod';
import { type ConfigOf, envKey, intInRange, parseConfig, port } from '../common/config/env.js';
import { CASSANDRA_KEYS, KAFKA_KEYS, logLevel, TOPIC_KEYS } from '../common/config/shared.js';

export const EXPORTER_CONFIG = {
  ...CASSANDRA_KEYS,
  ...KAFKA_KEYS,
  scoredTopic: TOPIC_KEYS.scoredTopic,
  groupId: envKey(
    'EXPORTER_GROUP_ID',
    z.string().min(1).default('sensorwatch-exporter'),
    'Consumer group of the exporter replicas: they split the scored topic’s partitions between them.',
  ),
  maxStations: envKey(
    'EXPORTER_MAX_STATIONS',
    intInRange(1, 1_000_000).default(10_000),
    'Most stations one replica exports; readings of further stations are counted as dropped.',
  ),
  staleAfterSeconds: envKey(
    'EXPORTER_STALE_AFTER_S',
    intInRange(10, 86_400).default(300),
    'A station silent this long is no longer exported, so its series go stale.',
  ),
  port: envKey('EXPORTER_PORT', port().default(8080), 'Port of the REST API and /metrics.'),
  host: envKey('EXPORTER_HOST', z.string().default('0.0.0.0'), 'Address the exporter listens on.'),
  lookbackHours: envKey(
    'EXPORTER_LOOKBACK_HOURS',
    intInRange(1, 24 * 90).default(24),
    'How many hourly partitions /api/anomalies/latest walks back through at most.',
  ),
  shutdownGraceMs: envKey(
    'SHUTDOWN_GRACE_MS',
    intInRange(1_000, 120_000).default(10_000),
    'Shutdown time limit.',
  ),
  logLevel: envKey('LOG_LEVEL', logLevel(), 'debug, info, warn or error.'),
};

export type ExporterConfig = ConfigOf<typeof EXPORTER_CONFIG>;

export function loadExporterConfig(env: NodeJS.ProcessEnv = process.env): ExporterConfig {
  return parseConfig(EXPORTER_CONFIG, env);
}
