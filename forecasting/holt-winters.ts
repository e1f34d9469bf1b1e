/**
 * Additive Holt-Winters with a damped trend (Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice", 3rd ed., §8.3): level, trend and one seasonal offset per slot of the period, smoothing
 * parameters chosen by grid search on one-step-ahead errors. Pure: series in, model and forecasts out.
 */

export interface HoltWintersModel {
  readonly period: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  readonly level: number;
  readonly trend: number;
  /** Seasonal offsets; `season[i]` belongs to the slot of the i-th step after the series ends. */
  readonly season: readonly number[];
  /** Standard deviation of the one-step-ahead errors on the training series. */
  readonly sigma: number;
  /** Points the model was fitted on. */
  readonly points: number;
}

export interface ForecastStep {
  readonly predicted: number;
  readonly lower: number;
  readonly upper: number;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0, 0.01, 0.05, 0.1];
const GAMMAS = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const PHI = 0.98;

interface Run {
  level: number;
  trend: number;
  season: number[];
  sse: number;
  errors: number;
}

/** Fits the model to an evenly spaced series (e.g. hourly means, period 24). Needs at least 2 points. */
export function fitHoltWinters(series: readonly number[], period: number): HoltWintersModel {
  if (series.length < 2) throw new Error(`Holt-Winters needs at least 2 points, got ${series.length}`);
  // With fewer than two whole periods a seasonal pattern cannot be told from noise: no seasonality then.
  const seasonal = series.length >= 2 * period;
  let best: { alpha: number; beta: number; gamma: number; run: Run } | undefined;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const gamma of seasonal ? GAMMAS : [0]) {
        const run = smooth(series, period, seasonal, alpha, beta, gamma);
        if (!best || run.sse < best.run.sse) best = { alpha, beta, gamma, run };
      }
    }
  }
  const { alpha, beta, gamma, run } = best as NonNullable<typeof best>;
  // Rotate the offsets so index 0 is the slot right after the series' last point.
  const offset = series.length % period;
  const season = Array.from({ length: period }, (_, i) => run.season[(offset + i) % period] as number);
  return {
    period,
    alpha,
    beta,
    gamma,
    phi: PHI,
    level: run.level,
    trend: run.trend,
    season,
    sigma: Math.sqrt(run.sse / Math.max(1, run.errors)),
    points: series.length,
  };
}

function smooth(
  series: readonly number[],
  period: number,
  seasonal: boolean,
  alpha: number,
  beta: number,
  gamma: number,
): Run {
  const first = seasonal ? series.slice(0, period) : series.slice(0, Math.min(period, series.length));
  const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  let level = mean(first);
  let trend = seasonal ? (mean(series.slice(period, 2 * period)) - level) / period : 0;
  const season = seasonal ? first.map((v) => v - level) : new Array<number>(period).fill(0);
  let sse = 0;
  let errors = 0;
  const start = seasonal ? period : 1;
  if (!seasonal) level = series[0] as number;
  for (let t = start; t < series.length; t++) {
    const slot = t % period;
    const value = series[t] as number;
    const predicted = level + PHI * trend + (season[slot] as number);
    const error = value - predicted;
    sse += error * error;
    errors += 1;
    const previousLevel = level;
    level = alpha * (value - (season[slot] as number)) + (1 - alpha) * (previousLevel + PHI * trend);
    trend = beta * (level - previousLevel) + (1 - beta) * PHI * trend;
    if (seasonal) season[slot] = gamma * (value - level) + (1 - gamma) * (season[slot] as number);
  }
  return { level, trend, season, sse, errors };
}

/**
 * The next `horizon` steps with a prediction interval of `z` standard deviations (1.96: 95 %), widening
 * with the horizon: σ_h² = σ² (1 + Σ_{j<h} c_j²), c_j = α(1 + jβ) + γ·[j mod m = 0].
 */
export function forecastHoltWinters(model: HoltWintersModel, horizon: number, z = 1.96): ForecastStep[] {
  const steps: ForecastStep[] = [];
  let damped = 0;
  let varianceFactor = 1;
  for (let h = 1; h <= horizon; h++) {
    damped += model.phi ** h;
    if (h > 1) {
      const j = h - 1;
      const c = model.alpha * (1 + j * model.beta) + (j % model.period === 0 ? model.gamma : 0);
      varianceFactor += c * c;
    }
    const predicted = model.level + damped * model.trend + (model.season[(h - 1) % model.period] as number);
    const half = z * model.sigma * Math.sqrt(varianceFactor);
    steps.push({ predicted, lower: predicted - half, upper: predicted + half });
  }
  return steps;
}

/** The seasonal-naive forecast: each step repeats the value one period earlier. */
export function seasonalNaive(series: readonly number[], period: number, horizon: number): number[] {
  return Array.from({ length: horizon }, (_, i) => {
    const back = series.length - period + (i % period);
    return (back >= 0 ? series[back] : series[series.length - 1]) as number;
  });
}
