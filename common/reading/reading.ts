import { z } from 'zod';
import { ANOMALY_KINDS } from './anomaly-kinds.js';
import { isProfileName, type ProfileName, profileNames, profileOf } from './profiles.js';
import { isWellFormedReading, STATION_ID } from './well-formed.js';

export { ANOMALY_KINDS, type AnomalyKind } from './anomaly-kinds.js';

/** The JSON a producer publishes to `sensor.readings`, keyed by station id. */
export const readingSchema = z.strictObject({
  /** Unique per reading: `<stationId>:<seq>`. With the timestamp it makes the stored row's key. */
  readingId: z.string().min(1).max(160),
  stationId: z.string().regex(STATION_ID, { error: 'expected lower-case letters, digits, ".", "_" or "-"' }),
  profile: z.string(),
  /** ISO 8601 in UTC, as produced by Date#toISOString. */
  ts: z.iso.datetime({ error: 'expected an ISO 8601 UTC timestamp' }),
  seq: z.number().int().nonnegative(),
  /** A sensor's value, or null when the station reported the sensor but had no value for it (dropout). */
  values: z.record(z.string(), z.number().nullable()),
  /** Ground truth: the injected anomaly this reading carries, or null for a normal reading. */
  label: z.strictObject({ kind: z.enum(ANOMALY_KINDS), sensors: z.array(z.string()).min(1) }).nullable(),
});

export type Reading = z.infer<typeof readingSchema> & { profile: ProfileName };

/** Why a message was rejected; the `code` label of the dead-letter metric. */
export const REJECTION_CODES = [
  'too_large',
  'not_json',
  'schema',
  'unknown_profile',
  'sensors',
  'out_of_range',
  'timestamp',
  // Valid, but a model gave it a score that is not finite: kept whole for a replay once the model is mended.
  'not_scorable',
  // Valid and scored, but Cassandra refused to store it (a bad value or query): kept whole, not retried forever.
  'not_storable',
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

export type Validation =
  | { readonly ok: true; readonly reading: Reading }
  | { readonly ok: false; readonly code: RejectionCode; readonly reason: string };

export interface ValidationLimits {
  readonly maxBytes: number;
  /** How far in the future a timestamp may be (clock skew between stations). */
  readonly maxFutureMs: number;
  /** How old a reading may be and still be accepted (a replay of a week-old backlog is fine). */
  readonly maxAgeMs: number;
}

export const DEFAULT_LIMITS: ValidationLimits = {
  maxBytes: 16 * 1024,
  maxFutureMs: 5 * 60 * 1000,
  maxAgeMs: 30 * 24 * 60 * 60 * 1000,
};

/**
 * Decides whether a raw Kafka message is a reading sensorwatch can store. Never throws: anything wrong
 * becomes a rejection with a code (for metrics) and a reason a person can act on (for the dead-letter
 * record). `now` is passed in so the check is deterministic.
 */
export function validateReading(
  raw: Buffer | null,
  now: number,
  limits: ValidationLimits = DEFAULT_LIMITS,
): Validation {
  if (raw === null || raw.length === 0) return reject('schema', 'empty message');
  if (raw.length > limits.maxBytes) {
    return reject('too_large', `message is ${raw.length} bytes; the limit is ${limits.maxBytes}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return reject('not_json', `not JSON: ${(error as Error).message}`);
  }
  let reading: z.infer<typeof readingSchema>;
  // A well-formed reading is taken as parsed; only one that is not goes through the schema, for the reason.
  if (isWellFormedReading(json)) reading = json as z.infer<typeof readingSchema>;
  else {
    const parsed = readingSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'reading';
      return reject('schema', `${where}: ${issue?.message ?? 'invalid'}`);
    }
    reading = parsed.data;
  }
  if (!isProfileName(reading.profile)) {
    return reject(
      'unknown_profile',
      `unknown profile "${reading.profile}"; known: ${profileNames().join(', ')}`,
    );
  }
  const { sensors } = profileOf(reading.profile);
  if (!hasExactlySensors(reading.values, sensors)) {
    const expected = Object.keys(sensors);
    const given = Object.keys(reading.values);
    const missing = expected.filter((s) => !given.includes(s));
    const unknown = given.filter((s) => !expected.includes(s));
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      unknown.length > 0 ? `unknown ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    return reject('sensors', `values for profile ${reading.profile}: ${parts.join('; ')}`);
  }
  // for…in, not Object.entries: no array per sensor and reading.
  for (const sensor in reading.values) {
    const value = reading.values[sensor];
    if (value === null || value === undefined) continue;
    const [min, max] = sensors[sensor]?.validRange ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    if (value < min || value > max)
      return reject('out_of_range', `${sensor} = ${value} is outside [${min}, ${max}]`);
  }
  const ts = Date.parse(reading.ts);
  if (ts > now + limits.maxFutureMs) return reject('timestamp', `ts ${reading.ts} is in the future`);
  if (ts < now - limits.maxAgeMs)
    return reject('timestamp', `ts ${reading.ts} is older than the accepted window`);
  return { ok: true, reading: reading as Reading };
}

/** Whether `values` names each of the profile's sensors and nothing else (checked without arrays). */
function hasExactlySensors(values: Record<string, unknown>, sensors: Record<string, unknown>): boolean {
  let given = 0;
  for (const sensor in values) {
    if (!Object.hasOwn(sensors, sensor)) return false;
    given += 1;
  }
  let expected = 0;
  for (const _ in sensors) expected += 1;
  return given === expected;
}

function reject(code: RejectionCode, reason: string): Validation {
  return { ok: false, code, reason };
}

export function encodeReading(reading: Reading): Buffer {
  return Buffer.from(JSON.stringify(reading));
}
