import { describe, expect, it } from 'vitest';
import { EwmaStats } from './ewma-stats.js';
import { ThreeSigmaScorer } from './three-sigma.js';
import { severityOf } from './verdict.js';

describe('EwmaStats', () => {
  it('starts at the first value and converges to the mean and variance of a steady stream', () => {
    const stats = new EwmaStats(0.1);
    stats.update(10);
    expect([stats.mean, stats.variance]).toEqual([10, 0]);
    for (let i = 0; i < 2_000; i++) stats.update(i % 2 === 0 ? 9 : 11);
    expect(stats.mean).toBeCloseTo(10, 0);
    expect(stats.stdDev).toBeCloseTo(1, 1);
  });

  it('is the exact running mean and variance until the window fills', () => {
    const stats = new EwmaStats(0.01);
    for (const value of [2, 4, 4, 4, 5, 5, 7, 9]) stats.update(value);
    expect(stats.mean).toBeCloseTo(5, 12);
    expect(stats.variance).toBeCloseTo(4, 12);
  });

  it('computes the exact incremental update', () => {
    const stats = new EwmaStats(0.5);
    stats.update(0);
    stats.update(4); // diff 4, mean 2, variance 0.5 * (0 + 4 * 2) = 4
    expect([stats.mean, stats.variance]).toEqual([2, 4]);
    stats.update(2); // diff 0: mean stays, variance halves
    expect([stats.mean, stats.variance]).toEqual([2, 2]);
  });
});

describe('severityOf', () => {
  it.each([
    [0, 'none'],
    [2.99, 'none'],
    [3, 'warning'],
    [4.99, 'warning'],
    [5, 'critical'],
  ])('scores %d as %s', (score, severity) => {
    expect(severityOf(score, { warningZ: 3, criticalZ: 5 })).toBe(severity);
  });
});

describe('ThreeSigmaScorer', () => {
  const options = { warningZ: 3, criticalZ: 5, warmUp: 10, window: 50, minStdDev: 1e-6 };
  const wiggle = (i: number) => 20 + (i % 2 === 0 ? -1 : 1);

  it('does not judge a sensor until it has warmed up', () => {
    const scorer = new ThreeSigmaScorer(options);
    for (let i = 0; i < 10; i++) {
      const verdict = scorer.score('s1', { t: i === 5 ? 1_000 : wiggle(i) });
      expect(verdict).toMatchObject({ warmingUp: true, isAnomaly: false, score: 0 });
    }
    expect(scorer.score('s1', { t: 20 }).warmingUp).toBe(false);
  });

  it('flags a spike with its sensor, z-score and severity, and keeps stations apart', () => {
    const scorer = new ThreeSigmaScorer(options);
    for (let i = 0; i < 100; i++) {
      scorer.score('s1', { t: wiggle(i), h: 50 });
      scorer.score('s2', { t: wiggle(i) + 100, h: 50 });
    }
    const normal = scorer.score('s1', { t: 21, h: 50 });
    expect(normal).toMatchObject({ isAnomaly: false, severity: 'none' });
    const spike = scorer.score('s1', { t: 24.5, h: 50 });
    expect(spike.isAnomaly).toBe(true);
    expect(spike.severity).toBe('warning');
    expect(spike.anomalousSensors.map((e) => e.sensor)).toEqual(['t']);
    expect(spike.anomalousSensors[0]?.z).toBeCloseTo(spike.score, 9);
    expect(spike.score).toBeGreaterThan(3);
    expect(Object.keys(spike.zScores).sort()).toEqual(['h', 't']);
    expect(spike.zScores.t).toBeCloseTo(spike.score, 9);
    expect(spike.zScores.h).toBe(0);
    expect(scorer.score('s1', { t: 40, h: 50 }).severity).toBe('critical');
    // s2 lives 100 units higher; the same 120 is normal there.
    expect(scorer.score('s2', { t: 121, h: 50 }).isAnomaly).toBe(false);
    expect(scorer.trackedSeries).toBe(4);
  });

  it('is not blinded by a spike it has just seen: the next spike is flagged as well', () => {
    const scorer = new ThreeSigmaScorer(options);
    for (let i = 0; i < 100; i++) scorer.score('s1', { t: wiggle(i) });
    expect(scorer.score('s1', { t: 60 }).severity).toBe('critical');
    expect(scorer.score('s1', { t: 60 }).severity).toBe('critical');
  });

  it('learns a lasting level shift and stops flagging it', () => {
    const scorer = new ThreeSigmaScorer(options);
    for (let i = 0; i < 100; i++) scorer.score('s1', { t: wiggle(i) });
    const shifted = Array.from({ length: 400 }, (_, i) => scorer.score('s1', { t: wiggle(i) + 10 }));
    expect(shifted[0]?.isAnomaly).toBe(true);
    expect(shifted.slice(-50).every((v) => !v.isAnomaly)).toBe(true);
  });
});
