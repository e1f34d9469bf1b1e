import { describe, expect, it } from 'vitest';
import { SeriesState } from './sensor-series.js';

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
