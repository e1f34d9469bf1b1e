import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { binShares, featureBaseline, populationStabilityIndex } from './drift.js';

const normal = (n: number, mean: number, sd: number, seed: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * random.gaussian());
};

describe('Population Stability Index', () => {
  const baseline = featureBaseline(normal(5_000, 0, 1, 1));

  it('bins the training distribution at its deciles', () => {
    expect(baseline.edges).toHaveLength(9);
    for (const share of baseline.shares) expect(share).toBeCloseTo(0.1, 2);
    expect(binShares([0], [-1, -0.5, 0, 1])).toEqual([0.5, 0.5]);
  });

  it('stays near zero for the same distribution and grows with a shift', () => {
    const same = populationStabilityIndex(baseline, normal(2_000, 0, 1, 2));
    const small = populationStabilityIndex(baseline, normal(2_000, 0.2, 1, 3));
    const large = populationStabilityIndex(baseline, normal(2_000, 1, 1, 4));
    const wider = populationStabilityIndex(baseline, normal(2_000, 0, 2, 5));
    expect(same).toBeLessThan(0.02);
    expect(small).toBeGreaterThan(same);
    expect(small).toBeLessThan(0.1);
    expect(large).toBeGreaterThan(0.25);
    expect(wider).toBeGreaterThan(0.25);
  });
});
