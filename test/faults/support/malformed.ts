import type { RejectionCode } from '../../../common/reading/reading.js';

/** A kind of malformed message, how to make one from a valid reading's JSON, and the code it must get. */
interface MalformedKind {
  readonly name: string;
  readonly code: RejectionCode;
  make(valid: Record<string, unknown>, i: number): string;
}

const KINDS: readonly MalformedKind[] = [
  { name: 'bad JSON', code: 'not_json', make: (v) => JSON.stringify(v).slice(0, 40) },
  { name: 'NaN', code: 'not_json', make: (v) => JSON.stringify(v).replace(/:(-?\d+\.?\d*)([,}])/, ':NaN$2') },
  {
    name: 'wrong types',
    code: 'schema',
    make: (v) => JSON.stringify({ ...v, seq: 'seven', values: [1, 2] }),
  },
  {
    name: 'missing fields',
    code: 'schema',
    make: (v) => JSON.stringify(Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'ts'))),
  },
  {
    name: 'unknown profile',
    code: 'unknown_profile',
    make: (v) => JSON.stringify({ ...v, profile: 'volcano' }),
  },
  {
    name: 'unknown sensor',
    code: 'sensors',
    make: (v) => JSON.stringify({ ...v, values: { ...(v.values as object), lava_flow: 3 } }),
  },
  {
    name: 'out of range',
    code: 'out_of_range',
    make: (v) =>
      JSON.stringify({
        ...v,
        values: Object.fromEntries(Object.keys(v.values as object).map((s) => [s, 1e12])),
      }),
  },
  {
    name: 'far future',
    code: 'timestamp',
    make: (v) => JSON.stringify({ ...v, ts: '2999-01-01T00:00:00.000Z' }),
  },
  { name: 'empty', code: 'schema', make: () => '' },
];

/** Every fiftieth is a huge payload (64 KiB, four times the limit). */
const HUGE: MalformedKind = {
  name: 'huge payload',
  code: 'too_large',
  make: (v) => JSON.stringify({ ...v, padding: 'x'.repeat(64 * 1024) }),
};

export interface MalformedMessage {
  readonly key: string;
  readonly value: string;
  readonly kind: string;
  readonly code: RejectionCode;
}

/** `count` malformed messages of every kind, each with a key of its own (`<prefix>-<n>`) to find it by. */
export function malformedMessages(
  valid: Record<string, unknown>,
  count: number,
  prefix: string,
): MalformedMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 50 === 49 ? HUGE : (KINDS[i % KINDS.length] as MalformedKind);
    return { key: `${prefix}-${i}`, value: kind.make(valid, i), kind: kind.name, code: kind.code };
  });
}
