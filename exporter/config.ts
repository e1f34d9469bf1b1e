import { z } from 'zod';
import { type ConfigOf, envKey, intInRange, parseConfig, port } from '../common/config/env.js';
import {
  CASSANDRA_KEYS,
  KAFKA_KEYS,
  MODEL_REGISTRY_KEYS,
  SERVICE_KEYS,
  TOPIC_KEYS,
} from '../common/config/shared.js';
import { SCORING_KEYS } from '../scoring/config.js';

export const EXPORTER_CONFIG = {
  ...CASSANDRA_KEYS,
  ...KAFKA_KEYS,
  ...MODEL_REGISTRY_KEYS,
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
  forecastRefreshSeconds: envKey(
    'EXPORTER_FORECAST_REFRESH_S',
    intInRange(5, 3_600).default(60),
    'How often the forecast gauges reload the current hour’s forecasts and the accuracy figures.',
  ),
  rateLimitPerSecond: envKey(
    'EXPORTER_RATE_LIMIT_PER_S',
    intInRange(1, 100_000).default(100),
    'Requests per second one client may make to the public API routes (a token bucket).',
  ),
  rateLimitBurst: envKey(
    'EXPORTER_RATE_LIMIT_BURST',
    intInRange(1, 1_000_000).default(200),
    'Requests one client may make at once after being idle.',
  ),
  adminToken: envKey(
    'EXPORTER_ADMIN_TOKEN',
    z.string().min(24, { error: 'expected at least 24 characters (e.g. `openssl rand -hex 24`)' }).optional(),
    'Bearer token of the admin routes (retrain, activate). No default: without it those routes are off.',
  ),
  maxBodyBytes: envKey(
    'EXPORTER_MAX_BODY_BYTES',
    intInRange(256, 10_000_000).default(16 * 1024),
    'Largest request body accepted; larger ones get a 413.',
  ),
  // The statistics settings of the detector, so predictions and retraining judge readings as it does.
  warmUp: SCORING_KEYS.warmUp,
  window: SCORING_KEYS.window,
  modelWindow: SCORING_KEYS.modelWindow,
  ...SERVICE_KEYS,
};

export type ExporterConfig = ConfigOf<typeof EXPORTER_CONFIG>;

export function loadExporterConfig(env: NodeJS.ProcessEnv = process.env): ExporterConfig {
  return parseConfig(EXPORTER_CONFIG, env);
}
