import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { SwitchRuns } from './switch-runs.js';

const WARNING = 3;

/** Feeds `values` to a fresh SwitchRuns the way the statistics model does; returns each reading's score. */
function judgeAll(values: readonly number[], low: number, high: number): number[] {
  const runs = new SwitchRuns(2 / 3001);
  let last: number | undefined;
  let run = 0;
  return values.map((value) => {
    const score = runs.judge(value, last, run, low, high, WARNING)?.score ?? 0;
    runs.learn(value, last, run, low, high, score < WARNING);
    run = value === last ? run + 1 : 0;
    last = value;
    return score;
  });
}

/** A pump on for 18 readings and off for 42, every hour, for `hours`. */
function cycle(hours: number): number[] {
  return Array.from({ length: hours * 60 }, (_, i) => (i % 60 < 18 ? 100 : 0));
}

describe('SwitchRuns', () => {
  it('raises nothing on a regular cycle', () => {
    expect(judgeAll(cycle(48), 0, 100).filter((s) => s >= WARNING)).toEqual([]);
  });

  it('finds an early switch, a state held too long and a value between the states', () => {
    const early = cycle(24);
    early[20 * 60 + 30] = 100; // on for one reading in the middle of an off-run
    expect(judgeAll(early, 0, 100)[20 * 60 + 30]).toBeGreaterThanOrEqual(WARNING);

    const held = cycle(24);
    for (let i = 20 * 60 + 18; i < 20 * 60 + 30; i++) held[i] = 100; // on for 30 instead of 18
    const heldScores = judgeAll(held, 0, 100);
    expect(Math.max(...heldScores.slice(20 * 60 + 18, 20 * 60 + 30))).toBeGreaterThanOrEqual(WARNING);
    // Nothing before the fault; and the off-run after it, shortened by the fault, is not a second one.
    expect(heldScores.slice(0, 20 * 60 + 18).filter((s) => s >= WARNING)).toEqual([]);
    expect(heldScores.slice(20 * 60 + 31).filter((s) => s >= WARNING)).toEqual([]);

    const between = cycle(24);
    between[20 * 60 + 40] = 37;
    expect(judgeAll(between, 0, 100)[20 * 60 + 40]).toBeGreaterThanOrEqual(WARNING);
  });

  it('is not blinded by a run that a fault no test caught cut short while the runs were being learnt', () => {
    const values = cycle(24);
    // The second hour's off-run cut to 6 readings by a fault that went unseen (the pump on from 24 to 59).
    for (let i = 60 + 24; i < 120; i++) values[i] = 100;
    const held = 20 * 60 + 18;
    for (let i = held; i < held + 12; i++) values[i] = 100; // on for 30 instead of 18
    const scores = judgeAll(values, 0, 100);
    expect(Math.max(...scores.slice(held, held + 12))).toBeGreaterThanOrEqual(WARNING);
  });

  it('does not judge the run after one that ended a little off time: it began at an odd time', () => {
    const values = cycle(24);
    // Off three readings too long (a fault held it, too little for a warning); the next on-run, starting
    // late, ends on time and is three readings short.
    const late = 20 * 60;
    for (let i = late; i < late + 3; i++) values[i] = 0;
    const scores = judgeAll(values, 0, 100);
    expect(Math.max(...scores.slice(late, late + 3))).toBeLessThan(WARNING);
    expect(scores.slice(late + 3, late + 60).filter((s) => s >= WARNING)).toEqual([]);
  });

  it('judges no run by its length on a quantised level flicking between two grid values', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 20_000 }, () => (random.next() < 0.3 ? 22 : 21));
    expect(judgeAll(values, 21, 22).filter((s) => s >= WARNING)).toEqual([]);
  });

  it('judges no run by its length when runs end at random (a relay flipping by chance)', () => {
    const random = seededRandom(7);
    let state = 0;
    const values = Array.from({ length: 20_000 }, () => {
      if (random.next() < 0.05) state = 1 - state;
      return state;
    });
    expect(judgeAll(values, 0, 1).filter((s) => s >= WARNING)).toEqual([]);
  });
});
