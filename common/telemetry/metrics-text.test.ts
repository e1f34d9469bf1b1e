import { describe, expect, it } from 'vitest';
import { bucketsOf, parseMetrics, quantileBetween, sumOf } from './metrics-text.js';

describe('metrics text', () => {
  const before = parseMetrics(`
# HELP x_seconds latency
x_seconds_bucket{profile="a",le="0.1"} 10
x_seconds_bucket{profile="a",le="1"} 10
x_seconds_bucket{profile="a",le="+Inf"} 10
stored_total{profile="a"} 5
stored_total{profile="b"} 7
`);
  const after = parseMetrics(`
x_seconds_bucket{profile="a",le="0.1"} 60
x_seconds_bucket{profile="a",le="1"} 110
x_seconds_bucket{profile="a",le="+Inf"} 110
`);

  it('reads the format’s NaN and infinities, and fails on a value that is not a number', () => {
    const [nan, inf] = parseMetrics('g{a="1"} NaN\nh -Inf\n');
    expect(nan?.value).toBeNaN();
    expect(inf?.value).toBe(Number.NEGATIVE_INFINITY);
    // As prom-client writes them (and Go's ParseFloat, which the format defers to, reads them).
    const [lag, up] = parseMetrics('nodejs_eventloop_lag_mean_seconds Nan\nu +Inf\n');
    expect(lag?.value).toBeNaN();
    expect(up?.value).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseMetrics('g{a="1"} oops\n')).toThrow(
      'metrics text: "g{a="1"} oops": the value "oops" is not a number',
    );
  });

  it('sums samples by name and labels', () => {
    expect(sumOf(before, 'stored_total')).toBe(12);
    expect(sumOf(before, 'stored_total', { profile: 'b' })).toBe(7);
  });

  it('interpolates a quantile of the observations between two snapshots', () => {
    // 100 new observations: 50 under 0.1 s, 50 between 0.1 and 1 s.
    expect(quantileBetween(bucketsOf(before, 'x_seconds'), bucketsOf(after, 'x_seconds'), 0.5)).toBeCloseTo(
      0.1,
    );
    expect(quantileBetween(bucketsOf(before, 'x_seconds'), bucketsOf(after, 'x_seconds'), 0.9)).toBeCloseTo(
      0.82,
    );
    expect(quantileBetween(bucketsOf(after, 'x_seconds'), bucketsOf(after, 'x_seconds'), 0.5)).toBeNaN();
  });
});
