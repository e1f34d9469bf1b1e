import type { SensorSpec } from '../../common/reading/profiles.js';
import type { Random } from './random.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SignalOptions {
  /** How fast the walk returns to its mean: the fraction of a deviation kept after one hour is exp(-reversionPerHour). */
  readonly reversionPerHour: number;
  /** Slow drift of the mean, in standard deviations per day. */
  readonly driftPerDay: number;
}

/**
 * The normal behaviour of one sensor: an Ornstein–Uhlenbeck process (a mean-reverting random walk)
 * around a mean that follows a daily cycle and drifts slowly. Stepping it by Δt uses the process's
 * exact discretisation, so the stationary spread is the spec's stdDev whatever the reading interval.
 * https://en.wikipedia.org/wiki/Ornstein%E2%80%93Uhlenbeck_process
 */
export class SensorSignal {
  private deviation: number;
  private lastTs: number | undefined;

  constructor(
    private readonly spec: SensorSpec,
    private readonly options: SignalOptions,
    private readonly random: Random,
    private readonly originTs: number,
  ) {
    this.deviation = random.gaussian() * spec.stdDev;
  }

  /** The expected value at time `ts`: long-run mean, plus the daily cycle, plus drift since the origin. */
  meanAt(ts: number): number {
    const { mean, stdDev, dailyAmplitude, peakHour } = this.spec;
    const phase = (2 * Math.PI * (ts - peakHour * HOUR_MS)) / DAY_MS;
    const drift = (this.options.driftPerDay * stdDev * (ts - this.originTs)) / DAY_MS;
    return mean + dailyAmplitude * stdDev * Math.cos(phase) + drift;
  }

  /** Advances the walk to `ts` (which must not go backwards) and returns the value there. */
  valueAt(ts: number): number {
    const dtHours = this.lastTs === undefined ? 0 : Math.max(0, ts - this.lastTs) / HOUR_MS;
    this.lastTs = ts;
    const keep = Math.exp(-this.options.reversionPerHour * dtHours);
    this.deviation =
      this.deviation * keep + this.spec.stdDev * Math.sqrt(1 - keep * keep) * this.random.gaussian();
    return this.meanAt(ts) + this.deviation;
  }
}
