import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { DailyRecurrence } from './daily-recurrence.js';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
/** 2026-01-05 00:00 UTC: a fixed origin, so the quarters of the day are the same at any hour the test runs. */
const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const at = (day: number, hour: number, minute: number) => ORIGIN + day * DAY + (hour * 60 + minute) * MINUTE;

/** A day of readings a minute apart, scored as noise (0–1.5) but `peak` at the minutes `spikes` names. */
function learnDay(recurrence: DailyRecurrence, day: number, spikes: Record<number, number>, seed: number) {
  const random = seededRandom(seed);
  for (let minute = 0; minute < 1_440; minute++) {
    recurrence.learn(ORIGIN + day * DAY + minute * MINUTE, spikes[minute] ?? 1.5 * random.next());
  }
}

describe('DailyRecurrence', () => {
  it('learns a spike that comes at 03:15 every day, and only at that time of day', () => {
    const recurrence = new DailyRecurrence();
    for (let day = 0; day < 4; day++) learnDay(recurrence, day, { [3 * 60 + 17]: 6 }, day);
    const usual = recurrence.excessAt(at(4, 3, 20));
    // Its peak of 6 over what any quarter reaches (noise peaks under 1.5, and the spike's quarter itself).
    expect(usual).toBeGreaterThan(4.4);
    expect(usual).toBeLessThan(6);
    // Elsewhere only the scatter of noise peaks around their mean.
    expect(recurrence.excessAt(at(4, 3, 0))).toBeLessThan(0.3);
    expect(recurrence.excessAt(at(4, 15, 20))).toBeLessThan(0.3);
  });

  it('does not learn a fault that came once, nor one that came on two days far apart in the week', () => {
    const recurrence = new DailyRecurrence();
    learnDay(recurrence, 0, { [3 * 60 + 17]: 9 }, 1);
    for (let day = 1; day < 4; day++) learnDay(recurrence, day, {}, day + 1);
    learnDay(recurrence, 4, { [3 * 60 + 17]: 9 }, 5);
    learnDay(recurrence, 5, {}, 6);
    expect(recurrence.excessAt(at(6, 3, 17))).toBeLessThan(0.3);
  });

  it('says nothing of a quarter until it has been seen on two days', () => {
    const recurrence = new DailyRecurrence();
    learnDay(recurrence, 0, { [3 * 60 + 17]: 9 }, 1);
    expect(recurrence.excessAt(at(1, 3, 17))).toBe(0);
    learnDay(recurrence, 1, { [3 * 60 + 17]: 9 }, 2);
    expect(recurrence.excessAt(at(2, 3, 17))).toBeGreaterThan(7);
  });
});
