import { describe, expect, it } from 'vitest';
import {
  negativeBinomialLowerTail,
  negativeBinomialUpperTail,
  normalQuantile,
  poissonLowerTail,
  poissonUpperTail,
} from './count-tails.js';

describe('count tails', () => {
  it('gives the normal quantile to nine digits, finite at 0 and 1', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect([normalQuantile(0), normalQuantile(1)].every(Number.isFinite)).toBe(true);
  });

  it('gives Poisson upper tails: P(X ≥ 1) = 1 − e^−λ, P(X ≥ 14 | 5) ≈ 7e−4, never 0', () => {
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonUpperTail(1, 5)).toBeCloseTo(1 - Math.exp(-5), 9);
    expect(poissonUpperTail(14, 5)).toBeCloseTo(0.000698, 6);
    expect(poissonUpperTail(5_000, 5)).toBeGreaterThan(0);
  });

  it('gives negative binomial tails that are Poisson at great dispersion and heavier at small', () => {
    expect(negativeBinomialUpperTail(14, 5, 1e7)).toBeCloseTo(poissonUpperTail(14, 5), 6);
    expect(negativeBinomialUpperTail(40, 3, 0.5)).toBeGreaterThan(1e4 * poissonUpperTail(40, 3));
    expect(negativeBinomialUpperTail(0, 3, 0.5)).toBe(1);
  });

  it('gives lower tails that complete the upper ones, for sums in the hundreds too', () => {
    expect(poissonLowerTail(0, 5)).toBeCloseTo(Math.exp(-5), 12);
    for (const [k, lambda] of [
      [3, 5],
      [80, 120],
      [900, 1000],
    ] as const) {
      expect(poissonLowerTail(k, lambda) + poissonUpperTail(k + 1, lambda)).toBeCloseTo(1, 9);
      expect(
        negativeBinomialLowerTail(k, lambda, 2) + negativeBinomialUpperTail(k + 1, lambda, 2),
      ).toBeCloseTo(1, 9);
    }
    expect(negativeBinomialLowerTail(80, 120, 1e7)).toBeCloseTo(poissonLowerTail(80, 120), 6);
    // Ten zeros in a row of a count with mean 3: (1 − p)^(10r) for the sum's size 10r = 5.
    expect(negativeBinomialLowerTail(0, 30, 5)).toBeCloseTo((5 / 35) ** 5, 12);
    expect(poissonLowerTail(0, 5_000)).toBeGreaterThan(0);
    // A count whose mean is 0: every tail is a number, never 0·−∞.
    expect([poissonLowerTail(0, 0), negativeBinomialLowerTail(0, 0, 2)]).toEqual([1, 1]);
    expect([poissonUpperTail(3, 0), negativeBinomialUpperTail(3, 0, 2)].every(Number.isFinite)).toBe(true);
  });
});
