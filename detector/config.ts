import { z } from 'zod';
import { ConfigError, type ConfigOf, envKey, intInRange, list, parseConfig } from '../common/config/env.js';
import { packageVersion } from '../common/config/package-version.js';
import { CASSANDRA_KEYS, KAFKA_KEYS, logLevel, METRICS_KEYS, TOPIC_KEYS } from '../common/config/shared.js';

export const MODEL_NAMES = ['stats', 'kmeans', 'isolation_forest', 'rules'] as const;

const positive = () => z.coerce.number({ error: 'expected a number' }).positive({ error: 'expected > 0' });

export const DETECTOR_CONFIG = {
  ...KAFKA_KEYS,
  ...TOPIC_KEYS,
  ...CASSANDRA_KEYS,
  ...METRICS_KEYS(9465),
  groupId: envKey(
    'DETECTOR_GROUP_ID',
    z.string().min(1).default('sensorwatch-detector'),
    'Kafka consumer group.',
  ),
  warningZ: envKey(
    'DETECTOR_WARNING_Z',
    positive().default(3),
    '|z| at which a reading is an anomaly (warning).',
  ),
  criticalZ: envKey('DETECTOR_CRITICAL_Z', positive().default(5), '|z| at which an anomaly is critical.'),
  warmUp: envKey(
    'DETECTOR_WARM_UP',
    intInRange(2, 100_000).default(30),
    'Readings a sensor needs before it is judged.',
  ),
  window: envKey(
    'DETECTOR_WINDOW',
    intInRange(10, 1_000_000).default(300),
    'Effective window of the moving mean and deviation, in readings.',
  ),
  models: envKey(
    'DETECTOR_MODELS',
    list()
      .default(['stats', 'kmeans', 'isolation_forest', 'rules'])
      .refine((names) => names.every((n) => MODEL_NAMES.includes(n as never)), {
        error: `expected a comma-separated subset of ${MODEL_NAMES.join(', ')}`,
      }),
    'Models that judge each reading; a reading is anomalous when any of them finds it so.',
  ),
  modelWindow: envKey(
    'DETECTOR_MODEL_WINDOW',
    intInRange(100, 1_000_000).default(4_000),
    'Recent normal readings per profile that K-means and the Isolation Forest are trained on.',
  ),
  modelMinTraining: envKey(
    'DETECTOR_MODEL_MIN_TRAINING',
    intInRange(100, 1_000_000).default(1_000),
    'Normal readings a profile needs before its multi-sensor models are first trained.',
  ),
  modelRetrainEvery: envKey(
    'DETECTOR_MODEL_RETRAIN_EVERY',
    intInRange(0, 10_000_000).default(2_000),
    'Retrain the multi-sensor models after this many new normal readings of a profile (0: never).',
  ),
  modelWindowSpanS: envKey(
    'DETECTOR_MODEL_WINDOW_SPAN_S',
    intInRange(60, 90 * 86_400).default(86_400),
    'Time the training window spans: readings are sampled so the window holds a whole daily cycle.',
  ),
  chunkSize: envKey(
    'DETECTOR_CHUNK_SIZE',
    intInRange(1, 10_000).default(500),
    'Messages written and committed together; offsets are committed only after their chunk is stored.',
  ),
  logLevel: envKey('LOG_LEVEL', logLevel(), 'debug, info, warn or error.'),
};

export type DetectorConfig = ConfigOf<typeof DETECTOR_CONFIG>;

export function loadDetectorConfig(env: NodeJS.ProcessEnv = process.env): DetectorConfig {
  const config = parseConfig(DETECTOR_CONFIG, env);
  if (config.criticalZ < config.warningZ) {
    throw new ConfigError([
      `DETECTOR_CRITICAL_Z: ${config.criticalZ} is below DETECTOR_WARNING_Z (${config.warningZ}); critical must be the higher threshold.`,
    ]);
  }
  return config;
}

const version = packageVersion();

/** Recorded on every row: the code version and the scoring parameters that produced the verdict. */
export function detectorVersion(config: DetectorConfig): string {
  return `${version}+${config.models.join('.')}(w=${config.warningZ},c=${config.criticalZ},n=${config.window},warm=${config.warmUp},win=${config.modelWindow},re=${config.modelRetrainEvery})`;
}
