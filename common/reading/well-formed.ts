import { z } from 'zod';
import { ANOMALY_KINDS } from './anomaly-kinds.js';

/**
 * A quick check that a parsed message has the exact shape `readingSchema` accepts, for the common case of
 * a well-formed reading. It accepts only what the schema accepts (the property test in reading.test.ts
 * holds it to that) but says nothing about why a message is wrong: anything it does not accept goes
 * through the schema, which gives the reason. The schema's parse was a twentieth of the detector's time,
 * most of it copying an object that was already right.
 */
export function isWellFormedReading(json: unknown): boolean {
  if (!isJsonObject(json)) return false;
  let keys = 0;
  for (const key in json) {
    if (!READING_KEYS.has(key)) return false;
    keys += 1;
  }
  if (keys !== READING_KEYS.size) return false;
  const { readingId, stationId, profile, ts, seq, values, label } = json;
  return (
    typeof readingId === 'string' &&
    readingId.length >= 1 &&
    readingId.length <= 160 &&
    typeof stationId === 'string' &&
    STATION_ID.test(stationId) &&
    typeof profile === 'string' &&
    typeof ts === 'string' &&
    ISO_UTC.test(ts) &&
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 0 &&
    isValues(values) &&
    (label === null || isLabel(label))
  );
}

const READING_KEYS: ReadonlySet<string> = new Set([
  'readingId',
  'stationId',
  'profile',
  'ts',
  'seq',
  'values',
  'label',
]);

/** The schema's own patterns: the same regular expressions, so the two cannot drift apart. */
export const STATION_ID = /^[a-z0-9][a-z0-9._-]{0,95}$/;
const ISO_UTC = z.regexes.datetime({});

const LABEL_KINDS: ReadonlySet<string> = new Set(ANOMALY_KINDS);

/** An object as JSON.parse makes one: neither null nor an array. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sensor values: finite numbers or null. `__proto__` is left to the schema, which copies keys one by one. */
function isValues(values: unknown): boolean {
  if (!isJsonObject(values)) return false;
  for (const sensor in values) {
    if (sensor === '__proto__') return false;
    const value = values[sensor];
    if (value !== null && !(typeof value === 'number' && Number.isFinite(value))) return false;
  }
  return true;
}

function isLabel(label: unknown): boolean {
  if (!isJsonObject(label)) return false;
  let keys = 0;
  for (const key in label) {
    if (key !== 'kind' && key !== 'sensors') return false;
    keys += 1;
  }
  const { kind, sensors } = label;
  return (
    keys === 2 &&
    typeof kind === 'string' &&
    LABEL_KINDS.has(kind) &&
    Array.isArray(sensors) &&
    sensors.length >= 1 &&
    sensors.every((sensor) => typeof sensor === 'string')
  );
}
