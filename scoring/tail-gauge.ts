/**
 * How heavy a stream's tails are, against Gaussian noise: a running estimate of the 99th percentile of
 * |z| (stochastic approximation in the log domain, O(1) per value), divided by the Gaussian's 2.576.
 *
 * A sensor whose |z| passes 8 on one reading in a hundred (bursty counts, a spiky load) is not in trouble
 * every time it does: dividing its scores by this factor asks each sensor for the same rarity, not the same
 * z, the way HTM's anomaly likelihood judges a raw score by its own recent distribution. The factor is never
 * below 1, so a Gaussian sensor is judged exactly as before. One reading past the quantile raises the
 * estimate by `step` (in log units), one below lowers it by step/99: an anomaly of a few readings moves it
 * little, and it recovers within a few hundred readings.
 */
export class TailGauge {
  private logQuantile = Math.log(GAUSSIAN_Q99);
  private wasAbove = false;

  constructor(private readonly step = 0.02) {}

  learn(absZ: number): void {
    const above = absZ > Math.exp(this.logQuantile);
    // Excursions, not readings: a run of readings past the quantile counts once, so one long fault (or a
    // fleet where faults are a few percent of readings) does not teach the sensor that faults are its tails,
    // while bursts that come and go often do.
    if (!(above && this.wasAbove)) this.logQuantile += this.step * ((above ? 1 : 0) - (1 - Q));
    this.wasAbove = above;
  }

  /** ≥ 1: how many times heavier than Gaussian the tails are. */
  get factor(): number {
    if (process.env.NOTAIL) return 1;
    return Math.max(1, Math.exp(this.logQuantile) / GAUSSIAN_Q99);
  }
}

const Q = 0.99;
/** The 99th percentile of |z| for Gaussian noise. */
const GAUSSIAN_Q99 = 2.576;
