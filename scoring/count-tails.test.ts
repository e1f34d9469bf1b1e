import { describe, expect, it } from 'vitest';
import { negativeBinomialUpperTail, normalQuantile, poissonUpperTail } from './count-tails.js';

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
});
