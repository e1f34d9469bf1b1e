import { z } from 'zod';
import { ConfigError, type ConfigOf, envKey, intInRange, parseConfig } from '../common/config/env.js';
import { packageVersion } from '../common/config/package-version.js';
import {
  CASSANDRA_KEYS,
  KAFKA_KEYS,
  KAFKA_PUBLISH_KEYS,
  METRICS_KEYS,
  MODEL_REGISTRY_KEYS,
  SERVICE_KEYS,
  TOPIC_KEYS,
} from '../common/config/shared.js';
import { SCORING_KEYS } from '../scoring/config.js';

const positive = () => z.coerce.number({ error: 'expected a number' }).positive({ error: 'expected > 0' });

export const DETECTOR_CONFIG = {
  ...KAFKA_KEYS,
  ...KAFKA_PUBLISH_KEYS,
  ...TOPIC_KEYS,
  ...CASSANDRA_KEYS,
  ...MODEL_REGISTRY_KEYS,
  ...METRICS_KEYS(9465),
  groupId: envKey(
    'DETECTOR_GROUP_ID',
    z.string().min(1).default('sensorwatch-detector'),
    'Kafka consumer group.',
  ),
  ...SCORING_KEYS,
  forecastPollS: envKey(
    'DETECTOR_FORECAST_POLL_S',
    intInRange(5, 3_600).default(60),
    'How often the detector loads the current and next hour’s forecasts (written by `npm run forecast`).',
  ),
  forecastFarZ: envKey(
    'DETECTOR_FORECAST_FAR_Z',
    positive().default(6),
    'Distance from its forecast, in combined standard deviations, at which a reading is flagged.',
  ),
  registryPollS: envKey(
    'DETECTOR_REGISTRY_POLL_S',
    intInRange(1, 3_600).default(10),
    'How often the detector checks the registry for a new active version (a new version or a rollback).',
  ),
  driftPsi: envKey(
    'DETECTOR_DRIFT_PSI',
    positive().default(0.25),
    'Population Stability Index of a feature at which the profile’s models count as drifted.',
  ),
  driftAction: envKey(
    'DETECTOR_DRIFT_ACTION',
    z.enum(['alert', 'retrain'], { error: 'expected alert or retrain' }).default('alert'),
    'What drift does: alert (export it; the alert rule fires) or retrain (also train and activate a new version).',
  ),
  driftCheckS: envKey(
    'DETECTOR_DRIFT_CHECK_S',
    intInRange(1, 86_400).default(60),
    'How often drift is measured.',
  ),
  driftMinRecent: envKey(
    'DETECTOR_DRIFT_MIN_RECENT',
    intInRange(10, 1_000_000).default(500),
    'Normal readings since the version was adopted before drift is measured.',
  ),
  driftCooldownS: envKey(
    'DETECTOR_DRIFT_COOLDOWN_S',
    intInRange(0, 30 * 86_400).default(3_600),
    'Least time between two drift retrains of one profile.',
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
  cassandraBatchRows: envKey(
    'DETECTOR_CASSANDRA_BATCH_ROWS',
    intInRange(1, 200).default(25),
    'Rows per unlogged batch written to Cassandra (1: every row on its own request).',
  ),
  commitIntervalMs: envKey(
    'DETECTOR_COMMIT_INTERVAL_MS',
    intInRange(0, 60_000).default(1_000),
    'Without checkpoints (DETECTOR_CHECKPOINT_INTERVAL_MS=0): least time between offset commits (0: after every chunk). A crashed detector’s successor replays at most this much; writes are idempotent.',
  ),
  checkpointIntervalMs: envKey(
    'DETECTOR_CHECKPOINT_INTERVAL_MS',
    intInRange(0, 600_000).default(30_000),
    'Least time between two checkpoints of a partition’s station state (0: no checkpoints; the state is then lost on a restart or rebalance). Offsets are committed with the checkpoints: a crashed detector’s successor replays at most this much.',
  ),
  stationDormantAfterMs: envKey(
    'DETECTOR_STATION_DORMANT_AFTER_MS',
    intInRange(0, 7 * 86_400_000).default(900_000),
    'Time without a reading after which a station’s checkpointed state leaves the heap, held deflated (about a tenth of the memory) until its next reading brings it back exactly (0: never; needs checkpoints, DETECTOR_CHECKPOINT_INTERVAL_MS > 0). Keep it above the slowest stations’ reading interval: each return costs about half a millisecond of CPU.',
  ),
  scoredLingerMs: envKey(
    'DETECTOR_SCORED_LINGER_MS',
    intInRange(0, 1_000).default(20),
    'How long a chunk’s scored readings wait for other partitions’ to share one produce request (0: sent at once).',
  ),
  fetchMaxWaitMs: envKey(
    'DETECTOR_FETCH_MAX_WAIT_MS',
    intInRange(0, 5_000).default(50),
    'How long a broker may hold a fetch to gather DETECTOR_FETCH_MIN_BYTES: fewer, larger batches for a little latency.',
  ),
  fetchMinBytes: envKey(
    'DETECTOR_FETCH_MIN_BYTES',
    intInRange(1, 16 * 1024 * 1024).default(64 * 1024),
    'Bytes a fetch waits for (up to DETECTOR_FETCH_MAX_WAIT_MS) before the broker answers.',
  ),
  partitionsConcurrently: envKey(
    'DETECTOR_PARTITIONS_CONCURRENTLY',
    intInRange(1, 64).default(12),
    'Partitions whose chunks are handled at once: one waits for Cassandra while another is scored.',
  ),
  ...SERVICE_KEYS,
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
