import { EwmaStats } from './ewma-stats.js';
import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';

export interface SensorStatsOptions extends Thresholds {
  /** Readings a sensor needs before it is judged. */
  readonly warmUp: number;
  /** Effective window of the moving statistics, in readings. */
  readonly window: number;
  /** A floor on the deviation so a sensor that has been perfectly flat does not call every wiggle infinite. */
  readonly minStdDev: number;
  /**
   * The same floor as a share of the sensor's nominal spread in its profile: rain after a dry week, or a
   * solar plant at night, has a moving σ of zero, and the first drop must not score as infinite.
   */
  readonly minStdDevShare: number;
  /**
   * |z| from the moving level that counts as the warning score. Not 3: on a station of nine sensors a
   * per-sensor 3σ test flags 2.4 % of normal readings, so the quality benchmark settled on 4.
   */
  readonly levelZ: number;
  /** |z| of a step between consecutive readings that counts as the warning score. */
  readonly jumpZ: number;
  /** A jump counts only when it lands at least this far (in σ) from the level: a return to normal is no fault. */
  readonly jumpMinLevelZ: number;
  /** Readings over which a trend is measured (the effective window of the moving slope). */
  readonly trendWindow: number;
  /** A trend counts when its slope is this many of its usual deviations... */
  readonly trendZ: number;
  /** ...and has already taken the level at least this far (in σ), the same way. */
  readonly trendMinLevelZ: number;
  /** Fewest repeats of exactly the same value that make a sensor look stuck... */
  readonly stuckRun: number;
  /**
   * ...more when the sensor repeats itself now and then (a run is stuck only if chance would give it less
   * than once in a million), and never when over this share of its normal readings repeat their
   * predecessor (rain at zero, solar at night).
   */
  readonly stuckMaxRepeatShare: number;
}

export const DEFAULT_SENSOR_STATS: SensorStatsOptions = {
  ...DEFAULT_THRESHOLDS,
  warmUp: 30,
  window: 300,
  minStdDev: 1e-6,
  minStdDevShare: 0.25,
  levelZ: 4,
  jumpZ: 5,
  jumpMinLevelZ: 1.5,
  trendWindow: 20,
  trendZ: 4.5,
  trendMinLevelZ: 3,
  stuckRun: 5,
  stuckMaxRepeatShare: 0.2,
};

/** What the model keeps per station and sensor: O(1) memory, O(1) work per reading. */
class SeriesState {
  readonly level: EwmaStats;
  readonly step: EwmaStats;
  readonly repeats: EwmaStats;
  /** The moving slope (a short EWMA of steps), and how it usually varies. */
  slope = 0;
  readonly slopes: EwmaStats;
  last: number | undefined;
  run = 0;

  constructor(alpha: number) {
    this.level = new EwmaStats(alpha);
    this.step = new EwmaStats(alpha);
    this.repeats = new EwmaStats(alpha);
    this.slopes = new EwmaStats(alpha);
  }
}

/**
 * Streaming statistics per station and sensor. Four kinds of evidence, each cheap:
 * - level: |value − moving mean| in moving standard deviations (the 3-sigma rule);
 * - jump: an unusually large step from the previous reading that also leaves the level (catches spikes and
 *   noise bursts on slowly moving signals before the level test would);
 * - stuck: the same value repeated on a sensor that normally never repeats itself;
 * - missing: the station sent the sensor without a value.
 * Values are judged before they update the statistics, and update them clipped to mean ± warningZ·σ
 * (winsorised), so a spike does not inflate the baseline it is judged against while a lasting shift is
 * still learned, slowly.
 */
export class SensorStatsModel implements AnomalyModel {
  readonly name = 'stats';
  private readonly series = new Map<string, SeriesState>();
  private readonly alpha: number;
  private readonly trendAlpha: number;

  constructor(private readonly options: SensorStatsOptions = DEFAULT_SENSOR_STATS) {
    this.alpha = 2 / (options.window + 1);
    this.trendAlpha = 2 / (options.trendWindow + 1);
  }

  warmingUp(observation: Observation): boolean {
    for (const sensor of Object.keys(observation.values)) {
      const state = this.series.get(key(observation.stationId, sensor));
      if (!state || state.level.count < this.options.warmUp) return true;
    }
    return false;
  }

  score(observation: Observation): Finding[] {
    const o = this.options;
    const findings: Finding[] = [];
    for (const [sensor, value] of Object.entries(observation.values)) {
      const state = this.series.get(key(observation.stationId, sensor));
      if (value === null) {
        findings.push({
          model: this.name,
          kind: 'missing',
          sensors: [sensor],
          score: o.warningZ,
          severity: 'warning',
          facts: {},
        });
        continue;
      }
      if (!state || state.level.count < o.warmUp) continue;
      const spec = observation.profileSpec.sensors[sensor];
      const floor = Math.max(o.minStdDev, (spec?.stdDev ?? 0) * o.minStdDevShare);
      const stdDev = Math.max(state.level.stdDev, floor);
      const z = (value - state.level.mean) / stdDev;
      // An intermittent sensor (rain, solar) is off for hours and then on: its level is no Gaussian, so
      // only its jumps are judged, against the full nominal spread.
      const intermittent = spec?.intermittent === true;
      let score = intermittent ? 0 : (Math.abs(z) * o.warningZ) / o.levelZ;
      let kind = 'level';
      if (state.last !== undefined && (intermittent || Math.abs(z) >= o.jumpMinLevelZ)) {
        const stepStdDev = Math.max(state.step.stdDev, intermittent ? (spec?.stdDev ?? 0) : floor);
        const jumpZ = (value - state.last - state.step.mean) / stepStdDev;
        const jumpScore = (Math.abs(jumpZ) * o.warningZ) / o.jumpZ;
        if (jumpScore > score) {
          score = jumpScore;
          kind = 'jump';
        }
      }
      if (state.last !== undefined && !intermittent && Math.abs(z) >= o.trendMinLevelZ) {
        const slope = state.slope + this.trendAlpha * (value - state.last - state.slope);
        const slopeZ = (slope - state.slopes.mean) / Math.max(state.slopes.stdDev, o.minStdDev);
        const trendScore = (Math.abs(slopeZ) * o.warningZ) / o.trendZ;
        if (Math.sign(slopeZ) === Math.sign(z) && trendScore > score) {
          score = trendScore;
          kind = 'trend';
        }
      }
      const repeatsNow = value === state.last ? state.run + 1 : 0;
      // An intermittent sensor (rain, solar) sits at one value for hours by nature: it cannot look stuck.
      const stuckRun = intermittent ? Number.POSITIVE_INFINITY : this.stuckRunFor(state.repeats.mean);
      if (repeatsNow + 1 >= stuckRun) {
        const stuckScore = (o.warningZ * (repeatsNow + 1)) / stuckRun;
        if (stuckScore > score) {
          score = stuckScore;
          kind = 'stuck';
        }
      }
      findings.push({
        model: this.name,
        kind,
        sensors: [sensor],
        score,
        severity: severityOf(score, o),
        facts: { z, value, mean: state.level.mean, stdDev, repeated: repeatsNow + 1 },
      });
    }
    return findings;
  }

  /** The run of equal values that is stuck for a sensor repeating itself with probability `share`. */
  private stuckRunFor(share: number): number {
    if (share > this.options.stuckMaxRepeatShare) return Number.POSITIVE_INFINITY;
    if (share <= 0) return this.options.stuckRun;
    return Math.max(this.options.stuckRun, 1 + Math.ceil(Math.log(1e-6) / Math.log(share)));
  }

  learn(observation: Observation, judgedAnomalous: boolean): void {
    const limitZ = this.options.warningZ;
    for (const [sensor, value] of Object.entries(observation.values)) {
      if (value === null) continue;
      const k = key(observation.stationId, sensor);
      let state = this.series.get(k);
      if (!state) {
        state = new SeriesState(this.alpha);
        this.series.set(k, state);
      }
      const repeated = value === state.last;
      if (repeated) {
        state.run += 1;
      } else {
        // The share of repeats learns from a run only once it ended, and only if it was too short to be a
        // fault: a stuck stretch must not teach the sensor that repeating itself is normal.
        if (state.run + 1 < this.stuckRunFor(state.repeats.mean)) {
          for (let r = 0; r < state.run; r++) state.repeats.update(1);
        }
        if (state.last !== undefined) state.repeats.update(0);
        state.run = 0;
      }
      if (state.last !== undefined) {
        const step = value - state.last;
        state.slope += this.trendAlpha * (step - state.slope);
        if (!judgedAnomalous) state.slopes.update(state.slope);
        state.step.update(clip(step, state.step, limitZ, state));
      }
      state.level.update(clip(value, state.level, limitZ, state));
      state.last = value;
    }
  }

  explain(finding: Finding): string {
    const [sensor] = finding.sensors;
    const f = finding.facts;
    const num = (name: string) => Number(f[name]);
    switch (finding.kind) {
      case 'missing':
        return `${sensor} missing (no value sent)`;
      case 'stuck':
        return `${sensor} stuck at ${f.value} for ${f.repeated} readings`;
      default: {
        const z = num('z');
        const verb = { jump: 'jumped to', trend: 'trending, at' }[finding.kind] ?? 'at';
        return `${sensor} ${verb} ${f.value}, z=${z >= 0 ? '+' : ''}${z.toFixed(2)} (mean ${num('mean').toFixed(3)}, σ ${num('stdDev').toFixed(3)})`;
      }
    }
  }

  /** Number of (station, sensor) baselines held: the detector's memory grows with it (exported as a gauge). */
  get trackedSeries(): number {
    return this.series.size;
  }
}

function key(stationId: string, sensor: string): string {
  return `${stationId}\u0000${sensor}`;
}

/** Clips a value to mean ± limitZ·σ of `stats` once the series is past its first readings. */
function clip(value: number, stats: EwmaStats, limitZ: number, state: SeriesState): number {
  if (state.level.count < 10) return value;
  const limit = limitZ * stats.stdDev;
  return Math.min(stats.mean + limit, Math.max(stats.mean - limit, value));
}
