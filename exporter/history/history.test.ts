import { describe, expect, it } from 'vitest';
import type { AnomalyRepository, HourlyAnomalyCount } from '../../storage/anomaly.repository.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../storage/station.repository.js';
import { AnomalyCounts, DEFAULT_COUNT_OPTIONS, totalsBy } from './anomaly-counts.js';
import { timeRange } from './time-range.js';

const HOUR = 3_600_000;

describe('time ranges', () => {
  it.each([
    ['15m', 15 * 60_000],
    ['4h', 4 * HOUR],
    ['30d', 30 * 24 * HOUR],
  ])('%s is %d ms', (text, ms) => {
    expect(timeRange().parse(text)).toBe(ms);
  });

  it.each(['1y', '0h', 'h', '-1h'])('%s is refused', (text) => {
    expect(timeRange().safeParse(text).success).toBe(false);
  });

  it('cuts a range past the retention to 90 days', () => {
    expect(timeRange().parse('91d')).toBe(90 * 24 * HOUR);
  });
});

describe('anomaly counts over hours', () => {
  function repository(calls: Array<[number, number | undefined]>): AnomalyRepository {
    return {
      latest: async () => [],
      ping: async () => {},
      countsOfHour: async (hour, since): Promise<HourlyAnomalyCount[]> => {
        calls.push([hour, since]);
        return [
          { stationId: 'a', profile: 'factory', severity: 'warning', count: 2 },
          { stationId: 'b', profile: 'environment', severity: 'critical', count: 1 },
        ];
      },
    };
  }

  it('when a range spans hours, then the first is read from the range start, and settled hours come from the cache', async () => {
    const calls: Array<[number, number | undefined]> = [];
    const counts = new AnomalyCounts(repository(calls), DEFAULT_COUNT_OPTIONS);
    const now = 10 * HOUR + 30 * 60_000;
    const result = await counts.between(now - 3 * HOUR, now);
    expect(calls).toEqual([
      [7 * HOUR, 7 * HOUR + 30 * 60_000],
      [8 * HOUR, 8 * HOUR],
      [9 * HOUR, 9 * HOUR],
      [10 * HOUR, 10 * HOUR],
    ]);
    expect(totalsBy(result, 'severity')).toEqual({ warning: 8, critical: 4 });
    // Within freshForMs even the changing hours are reused; after it, only settled hours are.
    await counts.between(now - 3 * HOUR, now + 1_000);
    expect(calls).toHaveLength(4);
    await counts.between(now - 3 * HOUR + 10_000, now + 10_000);
    // Hours 8 and 9 are settled (ended more than 10 minutes ago): cached. Hour 7 is partial, 10 current.
    expect(calls.slice(4).map(([hour]) => hour / HOUR)).toEqual([7, 10]);
    const factory = await counts.between(now - HOUR, now + 20_000, { profile: 'factory' });
    expect(totalsBy(factory, 'stationId')).toEqual({ a: 4 });
  });
});

describe('reading cursors', () => {
  it('round-trips, and refuses garbage or a cursor of another range', () => {
    const cursor = { day: 20_000 * 86_400_000, pageState: 'abcd', from: 1, to: 2 };
    expect(decodeCursor(encodeCursor(cursor), 1, 2)).toEqual(cursor);
    expect(() => decodeCursor('not-a-cursor', 1, 2)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(encodeCursor(cursor), 1, 3)).toThrow(/another from\/to range/);
    expect(() => decodeCursor(encodeCursor({ ...cursor, day: 5 }), 1, 2)).toThrow(InvalidCursorError);
  });
});
