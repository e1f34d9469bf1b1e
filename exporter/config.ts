import { z } from 'zod';
import { type ConfigOf, envKey, intInRange, parseConfig, port } from '../common/config/env.js';
import { CASSANDRA_KEYS, logLevel } from '../common/config/shared.js';

export const EXPORTER_CONFIG = {
  ...CASSANDRA_KEYS,
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
