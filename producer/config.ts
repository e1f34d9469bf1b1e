import os from 'node:os';
import { z } from 'zod';
import { type ConfigOf, envKey, intInRange, list, parseConfig } from '../common/config/env.js';
import {
  KAFKA_KEYS,
  KAFKA_PUBLISH_KEYS,
  METRICS_KEYS,
  SERVICE_KEYS,
  TOPIC_KEYS,
} from '../common/config/shared.js';
import { isProfileName, profileNames } from '../common/reading/profiles.js';

/** Makes any host name a valid part of a station id (lower-case letters, digits, "-"). */
export function replicaIdFrom(hostname: string): string {
  return (
    hostname
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'replica'
  );
}

export const PRODUCER_CONFIG = {
  ...KAFKA_KEYS,
  ...KAFKA_PUBLISH_KEYS,
  readingsTopic: TOPIC_KEYS.readingsTopic,
  ...METRICS_KEYS(9464),
  replicaId: envKey(
    'PRODUCER_REPLICA_ID',
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'expected up to 40 lower-case letters, digits or "-"' })
      .default(replicaIdFrom(os.hostname())),
    'Part of every station id this replica simulates, so replicas never clash (default: the host name).',
  ),
  profiles: envKey(
    'PRODUCER_PROFILES',
    list()
      .optional()
      .refine((names) => names === undefined || names.every(isProfileName), {
        error: () => `expected profiles of the profiles file: ${profileNames().join(', ')}`,
      }),
    'Comma-separated profiles of the simulated stations (default: every profile of config/profiles.yaml).',
  ),
  stations: envKey(
    'PRODUCER_STATIONS',
    intInRange(1, 100_000).default(10),
    'Stations this replica simulates per profile.',
  ),
  intervalMs: envKey(
    'PRODUCER_INTERVAL_MS',
    intInRange(1, 3_600_000).default(1_000),
    'Time between two readings of a station; the replica sends STATIONS readings per interval.',
  ),
  sendSlices: envKey(
    'PRODUCER_SEND_SLICES',
    intInRange(1, 1_000).default(10),
    'Slices of the fleet that report at evenly spaced moments of each interval (station i in slice i mod N). ' +
      'Real stations do not all report in the same millisecond, and a whole fleet sent at once makes every ' +
      'reading wait for the rest of its burst.',
  ),
  anomalyRate: envKey(
    'PRODUCER_ANOMALY_RATE',
    z.coerce.number().min(0).max(1).default(0.01),
    'Probability that a reading starts an injected anomaly episode.',
  ),
  ...SERVICE_KEYS,
};

export type ProducerConfig = Omit<ConfigOf<typeof PRODUCER_CONFIG>, 'profiles'> & {
  readonly profiles: readonly string[];
};

export function loadProducerConfig(env: NodeJS.ProcessEnv = process.env): ProducerConfig {
  const config = parseConfig(PRODUCER_CONFIG, env);
  return { ...config, profiles: config.profiles ?? profileNames() };
}
