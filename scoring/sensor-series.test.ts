import { describe, expect, it } from 'vitest';
import { EWMA_SLOTS } from './ewma-stats.js';
import { SeriesState, Stat } from './sensor-series.js';

const SHAPE = {
  window: 300,
  longWindow: 3000,
  activityWindow: 30,
  trendWindow: 20,
  idleShare: 0.5,
  clipZ: 2.5,
};
const FLOOR = 0.1;

describe('SeriesState', () => {
  it('gives each moving statistic slots of its own, the long-window ones last', () => {
    // The offsets are written out by hand: two statistics sharing a slot would corrupt each other silently.
    const offsets = Object.values(Stat).sort((a, b) => a - b);
    expect(offsets).toEqual(offsets.map((_, i) => i * EWMA_SLOTS));
    // learnStat gives the long window to every statistic from idleRate on.
    expect([Stat.activityRates, Stat.pinned].every((at) => at > Stat.idleRate)).toBe(true);
    const series = new SeriesState(SHAPE);
    for (let i = 0; i < 2 * SHAPE.window; i++) {
      series.learnStat(Stat.changes, i < SHAPE.window ? 0 : 1);
      series.learnStat(Stat.pinned, i < SHAPE.window ? 0 : 1);
    }
    // After a window of ones, the short memory has mostly moved to 1; the long one has not.
    expect(series.mean(Stat.changes)).toBeGreaterThan(0.8);
    expect(series.mean(Stat.pinned)).toBeLessThan(0.6);
  });

  it('learns a step between two usual values as regular, but not the return from a fault no test caught', () => {
    const state = new SeriesState(SHAPE);
    const learn = (value: number) => state.learn(value, FLOOR, true, 2 / 21);
    for (let i = 0; i < 400; i++) learn(i % 2 === 0 ? 100 : 100.1);
    // Three excursions the tests let through (normal = true): each leaves the usual range and comes back.
    for (let episode = 0; episode < 3; episode++) {
      learn(105);
      for (let i = 0; i < 50; i++) learn(i % 2 === 0 ? 100 : 100.1);
    }
    expect(state.regularStep).toBeLessThan(0.2);
  });
});
