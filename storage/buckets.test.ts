import { describe, expect, it } from 'vitest';
import { DAY_MS, dayOf, daysOf, hourOf } from './buckets.js';

const MIDNIGHT = Date.parse('2026-12-01T00:00:00Z');

describe('time buckets', () => {
  it('puts a reading in the UTC day and an anomaly in the UTC hour it happened in', () => {
    expect(dayOf(MIDNIGHT - 1).toString()).toBe('2026-11-30');
    expect(dayOf(MIDNIGHT).toString()).toBe('2026-12-01');
    expect(hourOf(MIDNIGHT + 59 * 60_000 + 59_999).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('lists the days a [from, to) range touches, oldest first, and none for an empty range', () => {
    expect(daysOf(MIDNIGHT - 1000, MIDNIGHT + 1000)).toEqual([MIDNIGHT - DAY_MS, MIDNIGHT]);
    // `to` is not part of the range: ending at midnight reads nothing of the next day.
    expect(daysOf(MIDNIGHT - 1000, MIDNIGHT)).toEqual([MIDNIGHT - DAY_MS]);
    expect(daysOf(MIDNIGHT, MIDNIGHT)).toEqual([]);
  });
});
