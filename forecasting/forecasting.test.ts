import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { accuracyOf } from './accuracy.js';
import { fitHoltWinters, forecastHoltWinters, seasonalNaive } from './holt-winters.js';
import { hourlySeries, RollupAccumulator } from './rollup.js';

const HOUR = 3_600_000;

/** Hourly means with a daily cycle, a slow trend and noise. */
function dailySeries(days: number, noise: number, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days * 24 }, (_, t) => {
    return 100 + 0.02 * t + 20 * Math.sin((2 * Math.PI * t) / 24) + noise * random.gaussian();
  });
}

describe('Holt-Winters', () => {
  it('when a series has a daily cycle, then its next day is forecast better than by the seasonal-naive baseline', () => {
    const series = dailySeries(15, 2);
    const train = series.slice(0, 14 * 24);
    const actual = series.slice(14 * 24);
    const model = fitHoltWinters(train, 24);
    const forecast = forecastHoltWinters(model, 24);
    const hw = accuracyOf(forecast.map((f, i) => ({ forecast: f.predicted, actual: actual[i] as number })));
    const naive = accuracyOf(
      seasonalNaive(train, 24, 24).map((f, i) => ({ forecast: f, actual: actual[i] as number })),
    );
    expect(hw?.rmse).toBeLessThan(naive?.rmse as number);
    expect(hw?.r2).toBeGreaterThan(0.9);
    // Noise σ 2: the one-step error cannot be far below it, nor much above it for a good fit.
    expect(model.sigma).toBeGreaterThan(1.5);
    expect(model.sigma).toBeLessThan(3.5);
  });

  it('when forecasting further ahead, then the 95 % interval widens and covers most actuals', () => {
    const series = dailySeries(15, 2, 11);
    const model = fitHoltWinters(series.slice(0, 14 * 24), 24);
    const forecast = forecastHoltWinters(model, 24);
    const widths = forecast.map((f) => f.upper - f.lower);
    expect(widths[23]).toBeGreaterThan(widths[0] as number);
    const covered = forecast.filter((f, i) => {
      const actual = series[14 * 24 + i] as number;
      return actual >= f.lower && actual <= f.upper;
    }).length;
    expect(covered).toBeGreaterThanOrEqual(20);
  });

  it('when the series is shorter than two days, then it is fitted without seasonality', () => {
    const model = fitHoltWinters([5, 5, 5, 5, 5, 5, 5, 5], 24);
    expect(model.gamma).toBe(0);
    expect(forecastHoltWinters(model, 3).map((f) => f.predicted)).toEqual([5, 5, 5]);
    expect(() => fitHoltWinters([1], 24)).toThrow(/at least 2 points/);
  });
});

describe('accuracy', () => {
  it('computes RMSE, MAE, R² and MAPE, leaving zero actuals out of MAPE', () => {
    const result = accuracyOf([
      { forecast: 1, actual: 2 },
      { forecast: 4, actual: 4 },
      { forecast: 3, actual: 0 },
    ]);
    expect(result?.mae).toBeCloseTo(4 / 3);
    expect(result?.rmse).toBeCloseTo(Math.sqrt(10 / 3));
    expect(result?.mape).toBeCloseTo(25); // |−1/2| over the 2 non-zero actuals
    expect(result?.r2).toBeCloseTo(1 - 10 / 8);
    expect(accuracyOf([])).toBeUndefined();
  });

  it('measures R² of pooled series each against its own mean, so scales do not inflate it', () => {
    const pairs = [
      { forecast: 1, actual: 2, series: 'a' },
      { forecast: 3, actual: 2, series: 'a' },
      { forecast: 1000, actual: 1000, series: 'b' },
      { forecast: 1001, actual: 1002, series: 'b' },
    ];
    // SS_res = 1 + 1 + 0 + 1; SS_tot = 0 + 0 (a's mean 2) + 1 + 1 (b's mean 1001).
    expect(accuracyOf(pairs)?.r2).toBeCloseTo(1 - 3 / 2);
    expect(accuracyOf(pairs.map(({ forecast, actual }) => ({ forecast, actual })))?.r2).toBeGreaterThan(0.99);
  });
});

describe('rollups', () => {
  it('aggregates each sensor per hour and per day, skipping missing values', () => {
    const acc = new RollupAccumulator();
    const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);
    acc.add(t0, { a: 1, b: null }, false);
    acc.add(t0 + 60_000, { a: 3, b: 10 }, true);
    acc.add(t0 + HOUR, { a: 5, b: 20 }, false);
    const rollups = acc.rollups();
    const hourA = rollups.find((r) => r.sensor === 'a' && r.resolution === 'hour' && r.bucket === t0);
    expect(hourA).toMatchObject({ count: 2, mean: 2, min: 1, max: 3, stddev: 1, anomalies: 1 });
    const dayB = rollups.find((r) => r.sensor === 'b' && r.resolution === 'day');
    expect(dayB).toMatchObject({ count: 2, mean: 15, min: 10, max: 20, anomalies: 1 });
  });

  it('fills a missing hour of an hourly series from the day before', () => {
    const start = Date.UTC(2026, 10, 1);
    const hourly = new Map<number, number>();
    for (let h = 0; h < 30; h++) if (h !== 26) hourly.set(start + h * HOUR, h);
    const series = hourlySeries(hourly, start, start + 30 * HOUR);
    expect(series?.values[26]).toBe(2);
    expect(series?.filled).toBe(1);
    expect(hourlySeries(new Map(), start, start + HOUR)).toBeUndefined();
  });
});
