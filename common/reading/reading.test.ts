import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { type Reading, readingSchema, validateReading } from './reading.js';
import { isWellFormedReading } from './well-formed.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

const valid: Reading = {
  readingId: 'factory-r1-s001:7',
  stationId: 'factory-r1-s001',
  profile: 'factory',
  ts: '2026-11-23T11:59:59.000Z',
  seq: 7,
  values: { temperature: 22.5, humidity: 44, noise_level: 70 },
  label: null,
};

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('validateReading', () => {
  it('accepts a well-formed reading, labelled or not', () => {
    expect(validateReading(encode(valid), NOW)).toEqual({ ok: true, reading: valid });
    const labelled = { ...valid, label: { kind: 'spike', sensors: ['temperature'] } };
    expect(validateReading(encode(labelled), NOW)).toEqual({ ok: true, reading: labelled });
  });

  it('accepts a sensor sent without a value (a dropout), which the detector then flags', () => {
    const dropout = { ...valid, values: { ...valid.values, humidity: null } };
    expect(validateReading(encode(dropout), NOW)).toEqual({ ok: true, reading: dropout });
  });

  it('accepts every profile of the profiles file', () => {
    const environment = {
      ...valid,
      stationId: 'environment-r1-s001',
      profile: 'environment',
      values: {
        temperature: 25,
        humidity: 60,
        pressure: 1013,
        air_quality: 200,
        particulate_matter: 30,
        noise_level: 50,
        illuminance: 500,
        wind_speed: 4,
        rainfall: 0,
      },
    };
    expect(validateReading(encode(environment), NOW).ok).toBe(true);
  });

  it.each([
    ['an empty message', null, 'schema', 'empty message'],
    [
      'a huge payload',
      encode({ ...valid, padding: 'x'.repeat(20_000) }),
      'too_large',
      'bytes; the limit is 16384',
    ],
    ['bad JSON', encode('{"stationId": '), 'not_json', 'not JSON'],
    ['a JSON array', encode([1, 2]), 'schema', 'reading:'],
    ['a missing field', encode({ ...valid, ts: undefined }), 'schema', 'ts:'],
    [
      'a wrong type',
      encode({ ...valid, values: { ...valid.values, humidity: '44' } }),
      'schema',
      'values.humidity:',
    ],
    ['an extra field', encode({ ...valid, extra: 1 }), 'schema', 'reading: Unrecognized key: "extra"'],
    [
      'a bad station id',
      encode({ ...valid, stationId: 'Bad Station' }),
      'schema',
      'stationId: expected lower-case',
    ],
    ['a bad timestamp', encode({ ...valid, ts: 'yesterday' }), 'schema', 'ts: expected an ISO 8601'],
    [
      'an unknown anomaly kind',
      encode({ ...valid, label: { kind: 'gremlins', sensors: ['x'] } }),
      'schema',
      'label.kind:',
    ],
    [
      'an unknown profile',
      encode({ ...valid, profile: 'spaceship' }),
      'unknown_profile',
      'unknown profile "spaceship"',
    ],
    [
      'a missing sensor',
      encode({ ...valid, values: { temperature: 1, humidity: 2 } }),
      'sensors',
      'values for profile factory: missing noise_level',
    ],
    [
      'an unknown sensor',
      encode({ ...valid, values: { ...valid.values, co2: 400 } }),
      'sensors',
      'values for profile factory: unknown co2',
    ],
    [
      'an impossible value',
      encode({ ...valid, values: { ...valid.values, humidity: 140 } }),
      'out_of_range',
      'humidity = 140 is outside [0, 100]',
    ],
    [
      'a timestamp in the future',
      encode({ ...valid, ts: '2026-11-23T13:00:00.000Z' }),
      'timestamp',
      'in the future',
    ],
    [
      'a timestamp far in the past',
      encode({ ...valid, ts: '2020-01-01T00:00:00.000Z' }),
      'timestamp',
      'older than',
    ],
  ])('rejects %s', (_, raw, code, reason) => {
    const result = validateReading(raw as Buffer | null, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.reason).toContain(reason);
  });
});

describe('isWellFormedReading, the schema’s quick path', () => {
  // Values a field might hold instead of its own: each mutant replaces one field (or one of `values` or
  // `label`) with one of them, or adds or drops a key.
  const odd: unknown[] = [
    undefined,
    null,
    '',
    'x'.repeat(161),
    'Bad Station',
    -1,
    1.5,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    [],
    ['temperature'],
    {},
    { kind: 'spike' },
    { kind: 'spike', sensors: [] },
    { kind: 'spike', sensors: ['t'], extra: 1 },
    { kind: 'gremlins', sensors: ['t'] },
    { kind: 'drift', sensors: [3] },
    '2026-02-30T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2026-11-23T11:59:59Z',
    '2026-11-23T11:59:59.123456Z',
    '2026-11-23T24:00:00.000Z',
    '2026-11-23 11:59:59.000Z',
    '2026-11-23T11:59:59.000+01:00',
    '2026-11-23T11:59:59.000z',
    JSON.parse('{"__proto__": 1}'),
    { temperature: '44' },
    { temperature: null },
  ];
  const fields = ['readingId', 'stationId', 'profile', 'ts', 'seq', 'values', 'label', 'extra'] as const;

  it('accepts only what the schema accepts, and what it accepts is what the schema would return', () => {
    const random = seededRandom(42);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)] as T;
    let quick = 0;
    for (let i = 0; i < 20_000; i++) {
      const mutant: Record<string, unknown> = structuredClone({
        ...valid,
        label: { kind: 'spike', sensors: ['t'] },
      });
      if (random.next() < 0.3) mutant.label = null;
      for (let m = Math.floor(random.next() * 3); m > 0; m--) {
        const field = pick(fields);
        const value = pick(odd);
        const values = mutant.values;
        if (field === 'values' && random.next() < 0.5 && typeof values === 'object' && values !== null)
          (values as Record<string, unknown>).humidity = value;
        else if (value === undefined) delete mutant[field];
        else mutant[field] = value;
      }
      const parsed = readingSchema.safeParse(mutant);
      if (isWellFormedReading(mutant)) {
        quick += 1;
        expect(parsed.success, JSON.stringify(mutant)).toBe(true);
        expect(parsed.data).toStrictEqual(mutant);
      }
    }
    // The quick path is taken, not just never wrong: every unmutated reading takes it, and some others.
    expect(quick).toBeGreaterThan(2_000);
    expect(isWellFormedReading(valid)).toBe(true);
  });
});
