import { EwmaStats } from './ewma-stats.js';
import { type SensorExplanation, severityOf, type Thresholds, type Verdict } from './verdict.js';

export interface ThreeSigmaOptions extends Thresholds {
  /** Readings a sensor needs before it is judged. */
  readonly warmUp: number;
  /** Effective window of the moving statistics, in readings. */
  readonly window: number;
  /** A floor on the deviation so a sensor that has been perfectly flat does not call every wiggle infinite. */
  readonly minStdDev: number;
}

export const DEFAULT_THREE_SIGMA: ThreeSigmaOptions = {
  warningZ: 3,
  criticalZ: 5,
  warmUp: 30,
  window: 300,
  minStdDev: 1e-6,
};

/**
 * The streaming 3-sigma rule, per station and sensor: a value more than `warningZ` moving standard
 * deviations from its moving mean is anomalous. The value is judged before it updates the statistics,
 * and it updates them clipped to mean ± warningZ·σ (winsorised), so a spike does not inflate the
 * baseline it is judged against while a lasting level shift is still learned, slowly.
 */
export class ThreeSigmaScorer {
  private readonly stats = new Map<string, EwmaStats>();
  private readonly alpha: number;

  constructor(private readonly options: ThreeSigmaOptions = DEFAULT_THREE_SIGMA) {
    this.alpha = 2 / (options.window + 1);
  }

  score(stationId: string, values: Readonly<Record<string, number>>): Verdict {
    const explanations: SensorExplanation[] = [];
    let warmingUp = false;
    for (const [sensor, value] of Object.entries(values)) {
      const key = `${stationId}\u0000${sensor}`;
      let stats = this.stats.get(key);
      if (!stats) {
        stats = new EwmaStats(this.alpha);
        this.stats.set(key, stats);
      }
      if (stats.count < this.options.warmUp) {
        warmingUp = true;
        stats.update(value);
        continue;
      }
      const stdDev = Math.max(stats.stdDev, this.options.minStdDev);
      const z = (value - stats.mean) / stdDev;
      explanations.push({ sensor, value, mean: stats.mean, stdDev, z });
      const limit = this.options.warningZ * stdDev;
      stats.update(Math.min(stats.mean + limit, Math.max(stats.mean - limit, value)));
    }
    const anomalous = explanations
      .filter((e) => Math.abs(e.z) >= this.options.warningZ)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    const score = explanations.reduce((max, e) => Math.max(max, Math.abs(e.z)), 0);
    const severity = severityOf(score, this.options);
    const zScores = Object.fromEntries(explanations.map((e) => [e.sensor, e.z]));
    return {
      isAnomaly: severity !== 'none',
      severity,
      score,
      anomalousSensors: anomalous,
      zScores,
      warmingUp,
    };
  }

  /** Number of (station, sensor) baselines held; bounded by the fleet, exported as a gauge. */
  get trackedSeries(): number {
    return this.stats.size;
  }
}
