import type { SensorSpec } from '../common/reading/profiles.js';
import {
  negativeBinomialLowerTail,
  negativeBinomialUpperTail,
  normalQuantile,
  poissonLowerTail,
  poissonUpperTail,
} from './count-tails.js';
import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';
import {
  COUNT_VALUES,
  LOG_SUM_FLOOR,
  RATE_READINGS,
  type SeriesShape,
  SeriesState,
  Stat,
} from './sensor-series.js';
import { restoreInto, StationKeyedMap, type StationStateHolder } from './station-state.js';

export interface SensorStatsOptions extends Thresholds {
  /** Readings a sensor needs before it is judged. */
  readonly warmUp: number;
  /** Effective window of the moving statistics, in readings. */
  readonly window: number;
  /** Effective window of the long-run spread and of the idle share, in readings. */
  readonly longWindow: number;
  /** An absolute floor on the deviation, in the sensor's unit (0: only the relative floors). */
  readonly minStdDev: number;
  /** The deviation is at least this many times the sensor's resolution (its smallest step). */
  readonly resolutionShare: number;
  /** ...and at least this share of its long-run spread, so a flat stretch does not shrink it to nothing. */
  readonly longRunShare: number;
  /**
   * ...and this share of the median of its last few steps, so noise starting on a flat sensor is learnt.
   * A share, not all of it: in full, a noise burst five times the sensor's usual spread lifted its own
   * scale within three readings, and most of its readings looked ordinary (live replay: 29 % of noise-burst
   * readings flagged at 1, 57 % at 0.25; reading recall 0.757 → 0.808).
   */
  readonly recentStepShare: number;
  /** A sensor at one value for at least this share of its readings is idle-mostly (rain, solar, a sub-meter). */
  readonly idleShare: number;
  /** Effective window of an idle-mostly sensor's recent activity rate, in readings. */
  readonly activityWindow: number;
  /** An idle-mostly sensor's active values are judged on at least this share of its profile's spread. */
  readonly activeStdDevShare: number;

  /**
   * The same floor as a share of the sensor's nominal spread in its profile: rain after a dry week, or a
   * solar plant at night, has a moving σ of zero, and the first drop must not score as infinite.
   */
  readonly minStdDevShare: number;
  /**
   * |z| at which a value is winsorised before it updates the statistics. Below the warning z: a slow
   * drift that stays just under the alarm would otherwise widen the σ it is judged by as fast as it
   * moves away, and never be flagged (simulator drift recall: 0.60 at 3, 0.67 at 2.5).
   */
  readonly winsorZ: number;
  /**
   * |z| from the moving level that counts as the warning score. Not 3: on a station of nine sensors a
   * per-sensor 3σ test flags 2.4 % of normal readings, so the quality benchmark settled on 4.
   */
  readonly levelZ: number;
  /** |z| of a step between consecutive readings that counts as the warning score. */
  readonly jumpZ: number;
  /** A step is a jump only if it is this many times the largest recent step that landed in the usual range. */
  readonly jumpPeakMargin: number;
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
  longWindow: 3000,
  minStdDev: 0,
  resolutionShare: 0.5,
  longRunShare: 0.1,
  recentStepShare: 0.25,
  idleShare: 0.5,
  activityWindow: 30,
  activeStdDevShare: 0.75,

  minStdDevShare: 0.25,
  winsorZ: 2.5,
  levelZ: 4,
  jumpZ: 4.5,
  jumpPeakMargin: 1.5,
  jumpMinLevelZ: 1.5,
  trendWindow: 20,
  trendZ: 5.5,
  trendMinLevelZ: 3,
  stuckRun: 5,
  stuckMaxRepeatShare: 0.2,
};

/**
 * Streaming statistics per station and sensor. Kinds of evidence, each cheap:
 * - level: |value − moving mean| in moving standard deviations (the 3-sigma rule);
 * - jump: an unusually large step from the previous reading that also leaves the level (catches spikes and
 *   noise bursts on slowly moving signals before the level test would);
 * - trend: a slope far steeper than usual that has already taken the level away;
 * - stuck: the same value repeated on a sensor that normally never repeats itself; saturated when that
 *   value is the highest or lowest the sensor has reported (pinned at a bound);
 * - activity: an idle-mostly sensor active far more often than it usually is;
 * - missing: the station sent the sensor without a value.
 *
 * The scale a value is judged on never collapses: it has floors at the sensor's resolution and at a share
 * of its long-run spread (see SeriesState), so a flat, noise-free, quantised or zero-filled stretch does not
 * make the next ordinary value look infinitely far, and every z is finite. A sensor idle most of the time
 * is judged as such, whatever its profile says: an idle reading is normal, an active one is judged against
 * the active ones. Values are judged before they update the statistics, and update them winsorised, so a
 * spike does not inflate the baseline it is judged against while a lasting shift is still learned, slowly.
 */
export class SensorStatsModel implements AnomalyModel, StationStateHolder {
  readonly name = 'stats';
  readonly stateKey = 'stats';
  private readonly series = new StationKeyedMap<SeriesState>();
  private readonly trendAlpha: number;
  private readonly slopeSpreadPerStep: number;
  private readonly shape: SeriesShape;

  constructor(private readonly options: SensorStatsOptions = DEFAULT_SENSOR_STATS) {
    this.trendAlpha = 2 / (options.trendWindow + 1);
    // An EWMA (weight α) of independent steps of spread σ varies by σ·√(α / (2 − α)).
    this.slopeSpreadPerStep = Math.sqrt(this.trendAlpha / (2 - this.trendAlpha));
    this.shape = {
      window: options.window,
      longWindow: options.longWindow,
      activityWindow: options.activityWindow,
      trendWindow: options.trendWindow,
      idleShare: options.idleShare,
      clipZ: options.winsorZ,
    };
  }

  warmingUp(observation: Observation): boolean {
    const series = this.series.of(observation.stationId);
    for (const sensor in observation.values) {
      const state = series?.get(sensor);
      if (!state || state.count < this.options.warmUp) return true;
    }
    return false;
  }

  score(observation: Observation): Finding[] {
    const o = this.options;
    const findings: Finding[] = [];
    const series = this.series.of(observation.stationId);
    // for…in, not Object.entries: no array per sensor and reading.
    for (const sensor in observation.values) {
      const value = observation.values[sensor] as number | null;
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
      const state = series?.get(sensor);
      if (!state || state.count < o.warmUp) continue;
      const spec = observation.profileSpec.sensors[sensor];
      const floor = this.floorOf(state, spec);
      const judged = state.idleMostly(spec?.intermittent === true)
        ? this.judgeIdleMostly(state, value, spec, floor)
        : this.judgeSteady(state, value, floor, spec?.intermittent === true);
      const evidence = this.judgeSwitching(state, value, judged);
      const usualAtThisTime = this.usualAtThisTime(state, observation.ts, evidence);
      const score = Math.max(0, evidence.score - usualAtThisTime);
      const facts: Record<string, number | string> = {
        z: evidence.z,
        // An idle-mostly sensor's activity is the statistics model's to judge: its residual is 0, or the
        // multi-sensor models, trained mostly on its idle zeros, would call every active reading an outlier.
        residual: evidence.idle ? 0 : softBound(evidence.residualZ ?? evidence.z),
        value,
        mean: evidence.mean,
        stdDev: evidence.stdDev,
        repeated: (value === state.last ? state.run + 1 : 0) + 1,
        tail: evidence.tail,
      };
      if (evidence.extra) Object.assign(facts, evidence.extra);
      if (usualAtThisTime > 0) facts.usualAtThisTime = usualAtThisTime;
      findings.push({
        model: this.name,
        kind: evidence.kind,
        sensors: [sensor],
        score,
        severity: severityOf(score, o),
        facts,
      });
    }
    return findings;
  }

  /**
   * The least deviation a sensor is judged with: its resolution, a share of its long-run spread and of its
   * profile's nominal spread, and a hair above zero relative to its level so every z is finite.
   */
  private floorOf(state: SeriesState, spec: SensorSpec | undefined): number {
    const o = this.options;
    const resolution = Number.isFinite(state.resolution) ? state.resolution * o.resolutionShare : 0;
    return Math.max(
      o.minStdDev,
      resolution,
      state.longRunStdDev * o.longRunShare,
      state.recentStepMedian * o.recentStepShare,
      (spec?.stdDev ?? 0) * o.minStdDevShare,
      Math.abs(state.mean(Stat.level)) * RELATIVE_FLOOR,
      ABSOLUTE_FLOOR,
    );
  }

  /**
   * What this time of day usually adds to a distance from the usual (level, jump, trend, rate), to be taken
   * off its score (see DailyRecurrence); 0 for other kinds. Keeps the undiscounted score for the recurrence
   * to learn from.
   */
  private usualAtThisTime(state: SeriesState, ts: number, evidence: Evidence): number {
    if (!DISTANCE_KINDS.has(evidence.kind)) {
      state.judgedScore = 0;
      return 0;
    }
    state.judgedScore = evidence.score;
    return state.recurrence.excessAt(ts);
  }

  private judgeSteady(state: SeriesState, value: number, floor: number, intermittent: boolean): Evidence {
    const o = this.options;
    const counts = isCountLike(state);
    // A censored sensor's moving σ is learnt from the values inside its range only: its level is judged on
    // its long-run spread at least (a tank near full dipping 2.5 true σ is not 4 of those). Its steps are
    // not censored, so its jumps keep their own floor; nor is a count at 0, which is a value, not a cut.
    const levelFloor =
      state.censored && !counts ? Math.max(floor, state.longRunStdDev * CENSORED_SPREAD_SHARE) : floor;
    const stdDev = Math.max(state.stdDev(Stat.level), levelFloor);
    const z = levelZ(state, value, stdDev, counts);
    // The multi-sensor models keep the z they were trained on: a scale that changes when a sensor comes to
    // count as censored would move their inputs under them.
    const residualZ =
      levelFloor > floor
        ? levelZ(state, value, Math.max(state.stdDev(Stat.level), floor), counts)
        : undefined;
    const tail = state.tail.factor;
    let score = (Math.abs(z) * o.warningZ) / o.levelZ / tail;
    let kind = 'level';
    let extra: Evidence['extra'];
    if (counts) {
      // A count's next value is a fresh draw, so its steps and slopes are its level seen twice (and a burst
      // of 40 errors would read as a trend). What a count shows that one value hides is a shift in its
      // rate: the sum of its last few values, judged by the tail of a sum of such counts.
      const sum = state.rateSumWith(value);
      if (Number.isFinite(sum) && state.countOf(Stat.rateSums) >= o.warmUp) {
        const sumZ = bounded(rateZ(sum, state));
        const rateScore = (Math.abs(sumZ) * o.warningZ) / o.levelZ;
        // Only while the count itself is still off the same way: once it is back, the sum is the memory
        // of an episode that has ended, not a new one.
        if (rateScore > score && Math.sign(z) === Math.sign(sumZ)) {
          score = rateScore;
          kind = 'rate';
          extra = { sum, usualSum: state.mean(Stat.rateSums), readings: RATE_READINGS };
        }
        // The same window on a log scale, where a heavy tail's odd burst no longer owns the sum. Upwards
        // only: the log stretches small counts, and a wandering rate's quiet spell (visitors at 7 instead of
        // 12) would read as a collapse there, which the plain sum judges rightly.
        const logZ = bounded(
          (state.logRateSumWith(value) - state.mean(Stat.logRateSums)) /
            Math.max(state.stdDev(Stat.logRateSums), LOG_SUM_FLOOR),
        );
        const logScore = (Math.abs(logZ) * o.warningZ) / o.levelZ;
        if (logScore > score && logZ > 0 && z > 0) {
          score = logScore;
          kind = 'rate';
          extra = { sum, usualSum: state.mean(Stat.rateSums), readings: RATE_READINGS };
        }
      }
    } else if (state.last !== undefined && Math.abs(z) >= o.jumpMinLevelZ) {
      const stepStdDev = Math.max(
        state.stdDev(Stat.step),
        floor,
        (state.regularStep * o.jumpPeakMargin) / o.jumpZ,
      );
      const jumpZ = bounded((value - state.last - state.mean(Stat.step)) / stepStdDev);
      const jumpScore = (Math.abs(jumpZ) * o.warningZ) / o.jumpZ / tail;
      if (jumpScore > score) {
        score = jumpScore;
        kind = 'jump';
      }
    }
    if (!counts && state.last !== undefined && Math.abs(z) >= o.trendMinLevelZ) {
      const slope = state.slope + this.trendAlpha * (value - state.last - state.slope);
      const slopeZ = bounded(
        (slope - state.mean(Stat.slopes)) /
          Math.max(state.stdDev(Stat.slopes), floor * this.slopeSpreadPerStep),
      );
      // Not divided by the tail factor: a slope is a moving mean of steps, and the single readings' heavy
      // tails that the factor measures average out in it.
      const trendScore = (Math.abs(slopeZ) * o.warningZ) / o.trendZ;
      if (Math.sign(slopeZ) === Math.sign(z) && trendScore > score) {
        score = trendScore;
        kind = 'trend';
      }
    }
    // A sensor its profile calls intermittent sits at one value for hours by nature: it cannot look stuck.
    const stuck = intermittent
      ? 0
      : Math.max(this.stuckScore(state, value, z), counts ? this.countStuckScore(state, value) : 0);
    if (stuck > score) {
      // A count held at 0 is stuck there, not saturated: 0 is one of its values, not a bound it is cut at.
      const atLowest = value === state.min && !(counts && value === 0);
      const pinned = state.max > state.min && (value === state.max || atLowest);
      if (pinned) {
        const extra = { bound: value === state.max ? 'highest' : 'lowest' };
        return {
          kind: 'saturated',
          score: stuck,
          z,
          mean: state.mean(Stat.level),
          stdDev,
          tail,
          extra,
          residualZ,
        };
      }
      score = stuck;
      kind = 'stuck';
      extra = undefined;
    }
    return { kind, score, z, mean: state.mean(Stat.level), stdDev, tail, extra, residualZ };
  }

  /**
   * A two-state sensor (a pump at 0 % or 100 %) judged by when it switches and what lies between its
   * states, when that says more than its value does (see SwitchRuns).
   */
  private judgeSwitching(state: SeriesState, value: number, judged: Evidence): Evidence {
    const o = this.options;
    const low = Math.min(state.min, value);
    const high = Math.max(state.max, value);
    // Values a grid step or two apart with others between them are a quantised level (a setpoint in whole
    // degrees), not a switch; a relay's 0 and 1 are one step apart with nothing between.
    const gap = high - low;
    if (gap !== state.resolution && !(gap >= SWITCH_MIN_STEPS * state.resolution)) return judged;
    const found = state.switching.judge(value, state.last, state.run, low, high, o.warningZ);
    if (!found || found.score <= judged.score) return judged;
    // A state held past the window is the sensor's new normal (a pump stopped for good), like a stuck run.
    if (found.kind === 'held' && found.runLength > o.window) return judged;
    const extra = { runLength: found.runLength, usualRun: found.usualRun };
    const score = Math.min(found.score, found.kind === 'held' ? o.criticalZ : MAX_Z);
    return { ...judged, kind: found.kind, score, idle: false, extra };
  }

  /**
   * A repeat run long enough that chance would almost never give it, on a sensor that has varied. A run
   * longer than the window is the sensor's new normal (a level it holds), not a fault reported forever.
   */
  private stuckScore(state: SeriesState, value: number, z: number): number {
    if (!state.varied || value !== state.last) return 0;
    // On a grid as coarse as its own spread (a setpoint in whole degrees), a sensor repeats itself by nature;
    // and so does a smooth signal that was moving by a grid step or two when the run began (a noise-free
    // cycle at its peak).
    if (state.spreadBeforeRun <= SMOOTH_STEPS * state.resolution) return 0;
    if (state.resolution >= COARSE_GRID * state.stdDev(Stat.level)) return 0;
    const repeated = state.run + 2;
    // At its highest or lowest value, a sensor that has held such a bound before and moved off again is
    // judged by how long it usually holds it: a tank that sits full for an hour a day is not stuck at full.
    const pinned = state.max > state.min && (value === state.max || value === state.min);
    // Not before it has held and left a bound PINNED_RUNS_KNOWN times: until it knows how long it usually
    // stays there, a run at a bound is no evidence, unless the bound lies past the z its level learns
    // from. A tank first full at 100 % sits a σ above its level; a wind gauge that drifted down to its
    // 0 and stays there for twenty readings, 2.7σ below it, is stuck (simulator drift recall 0.756 →
    // 0.808: faults cut at a sensor's range end that way).
    const known = state.countOf(Stat.pinnedRuns) >= PINNED_RUNS_KNOWN;
    if (pinned && !known && Math.abs(z) < this.options.winsorZ) return 0;
    const usualPinned = pinned && known ? pinnedRunLimit(state) : 0;
    return this.runScore(repeated, Math.max(this.stuckRunFor(state.mean(Stat.repeats)), usualPinned));
  }

  /** A count repeating one value longer than that value's own repeat share would almost ever give. */
  private countStuckScore(state: SeriesState, value: number): number {
    if (value !== state.last) return 0;
    return this.runScore(state.run + 2, this.countStuckRun(state, value));
  }

  /**
   * The score of `repeated` equal readings where `stuckRun` of them are stuck: warning there, capped at
   * critical (a run that goes on is one finding, not one that grows worse with every reading), and none
   * past the window (the sensor's new normal).
   */
  private runScore(repeated: number, stuckRun: number): number {
    const o = this.options;
    return repeated >= stuckRun && repeated <= o.window
      ? Math.min(o.criticalZ, (o.warningZ * repeated) / stuckRun)
      : 0;
  }

  /**
   * An idle-mostly sensor: an idle reading is normal; an active one is judged against the active ones; and
   * activity far more frequent than usual is its own finding.
   */
  private judgeIdleMostly(
    state: SeriesState,
    value: number,
    spec: SensorSpec | undefined,
    floor: number,
  ): Evidence {
    const intermittent = spec?.intermittent === true;
    const o = this.options;
    if (value === state.idleValue)
      return { kind: 'level', score: 0, z: 0, mean: state.idleValue, stdDev: floor, tail: 1, idle: true };
    // Active values are the part of the sensor's process above its idle bound: their own spread is that of
    // a truncated distribution, narrower than the process's, whose upper tail they keep. So the spread the
    // profile gives the sensor is, in part, a floor too: all of it cost the live demo recall on small level
    // shifts; three quarters of it took environment rainfall's false alarm onsets from 8 to 2 in 2 days.
    const stdDev = Math.max(state.stdDev(Stat.active), floor, (spec?.stdDev ?? 0) * o.activeStdDevShare);
    // Until it has been active warmUp times, a sensor's activity is not judged at all: the first sunrise
    // of a solar plant is new, not anomalous.
    if (state.countOf(Stat.active) < o.warmUp)
      return { kind: 'level', score: 0, z: 0, mean: state.mean(Stat.active), stdDev, tail: 1, idle: true };
    const z = bounded((value - state.mean(Stat.active)) / stdDev);
    let score = (Math.abs(z) * o.warningZ) / o.levelZ;
    let kind = 'level';
    // A step into activity far bigger than its usual ones (a spike at night), on a sensor its profile calls
    // intermittent, measured against at least its nominal spread. Not on one found idle-mostly by its data
    // alone: a disk that writes now and then leaps from idle every time, and its bursts are judged by level.
    const last = state.last;
    const into =
      intermittent && last !== undefined
        ? this.leapScore(value - last, state, Stat.activeSteps, Math.max(floor, spec?.stdDev ?? 0))
        : 0;
    // A leap between two active values far bigger than the sensor's usual ones within a burst (a gauge gone
    // erratic), landing away from the active level as a jump must (a return to it is no fault). On every
    // idle-mostly sensor: a disk's erratic bursts teach it erratic steps.
    const within =
      last !== undefined &&
      last !== state.idleValue &&
      state.countOf(Stat.burstSteps) >= o.warmUp &&
      Math.abs(z) >= o.jumpMinLevelZ
        ? this.leapScore(value - last, state, Stat.burstSteps, floor)
        : 0;
    if (Math.max(into, within) > score) {
      score = Math.max(into, within);
      kind = 'jump';
    }
    // An active value held exactly, on a sensor whose active values do not repeat (rain at 4.327 mm/h for
    // twenty minutes): the gauge is stuck, whatever its level.
    if (value === state.last && state.countOf(Stat.activeRepeats) >= o.warmUp) {
      const stuck = this.runScore(state.run + 2, this.stuckRunFor(state.mean(Stat.activeRepeats)));
      if (stuck > score) {
        score = stuck;
        kind = 'stuck';
      }
    }
    const activityScore = this.activityScore(state.activityWith(value), state);
    if (state.activityKnown && activityScore > score) {
      const extra = { activity: state.activityWith(value), usualActivity: state.mean(Stat.activityRates) };
      return {
        kind: 'activity',
        score: activityScore,
        z,
        mean: state.mean(Stat.active),
        stdDev,
        tail: 1,
        idle: true,
        extra,
      };
    }
    return { kind, score, z, mean: state.mean(Stat.active), stdDev, tail: 1, idle: true };
  }

  /** The jump score of a step against `steps`, the usual ones, on a spread of at least `floor`. */
  private leapScore(step: number, state: SeriesState, steps: Stat, floor: number): number {
    const jumpZ = bounded((step - state.mean(steps)) / Math.max(state.stdDev(steps), floor));
    return (Math.abs(jumpZ) * this.options.warningZ) / this.options.jumpZ;
  }

  /**
   * How unusual a recent activity share is against the usual one. The recent share is an EWMA over about
   * `activityWindow` readings, so it counts about that many readings' activity; at the usual rate the count
   * is Poisson, and its upper tail probability P says how rare the burst is: a chance of 1 in ACTIVITY_RARITY
   * scores warning, rarer scores higher. Not a Gaussian z: at a rate of 1 % three active readings in thirty
   * would be 4σ, yet happen every few hundred readings.
   */
  private activityScore(recent: number, state: SeriesState): number {
    const usual = state.mean(Stat.activityRates);
    const o = this.options;
    const window = o.activityWindow;
    const count = Math.round(recent * window);
    const expected = Math.max(usual, 1 / o.longWindow) * window;
    if (count <= expected) return 0;
    const tail = poissonUpperTail(count, expected);
    const poissonScore = (o.warningZ * Math.log(1 / tail)) / Math.log(ACTIVITY_RARITY);
    // Activity that comes in bursts (rain, a pump cycle) is far from independent readings: judged too
    // against how much the recent share has been seen to swing, it must be unusual both ways.
    const swing =
      (o.warningZ * (recent - usual)) / (ACTIVITY_SWING_Z * Math.max(state.stdDev(Stat.activityRates), 1e-9));
    return Math.min(poissonScore, swing);
  }

  /**
   * The run of `value` that makes a count look stuck: by that value's own repeat share, once it has been
   * seen COUNT_KNOWN_VISITS times (infinite before: a count frozen at a value it rarely reports is off its
   * rate, which the rate test judges).
   */
  private countStuckRun(state: SeriesState, value: number): number {
    const { countVisits, countRepeats } = state;
    if (!(countVisits && countRepeats && Number.isInteger(value) && value >= 0 && value < COUNT_VALUES))
      return Number.POSITIVE_INFINITY;
    if ((countVisits[value] as number) < COUNT_KNOWN_VISITS) return Number.POSITIVE_INFINITY;
    return this.stuckRunFor(countRepeats[value] as number, COUNT_MAX_REPEAT_SHARE);
  }

  /**
   * The run of equal values that is stuck for a sensor repeating itself with probability `share`; none
   * when the share is above `maxShare`.
   */
  private stuckRunFor(share: number, maxShare = this.options.stuckMaxRepeatShare): number {
    if (share > maxShare) return Number.POSITIVE_INFINITY;
    if (share <= 0) return this.options.stuckRun;
    return Math.max(this.options.stuckRun, 1 + Math.ceil(Math.log(1e-6) / Math.log(share)));
  }

  learn(observation: Observation, judgedAnomalous: boolean): void {
    const series = this.series.of(observation.stationId);
    for (const sensor in observation.values) {
      const value = observation.values[sensor] as number | null;
      if (value === null) continue;
      let state = series?.get(sensor);
      if (!state) {
        state = new SeriesState(this.shape);
        this.series.set(observation.stationId, sensor, state);
      }
      state.recurrence.learn(observation.ts, state.judgedScore);
      state.judgedScore = 0;
      const low = Math.min(state.min, value);
      const high = Math.max(state.max, value);
      state.switching.learn(value, state.last, state.run, low, high, !judgedAnomalous);
      if (value === state.last) {
        state.run += 1;
      } else {
        // The share of repeats learns from a run only once it ended, and only if it was too short to be a
        // fault: a stuck stretch must not teach the sensor that repeating itself is normal.
        if (state.run + 1 < this.stuckRunFor(state.mean(Stat.repeats))) {
          for (let r = 0; r < state.run; r++) state.learnStat(Stat.repeats, 1);
        }
        if (state.last !== undefined) state.learnStat(Stat.repeats, 0);
        // An idle-mostly sensor's active values learn how often they repeat the same way: from runs too short
        // to be a fault, once they ended, and a change only between normal readings. Learnt reading by
        // reading, a gauge held at 4.626 mm/h taught itself a share above the stuck limit within six
        // readings of the run.
        const idle = state.idleValue;
        if (state.last !== undefined && state.last !== idle) {
          if (state.run + 1 < this.stuckRunFor(state.mean(Stat.activeRepeats))) {
            for (let r = 0; r < state.run; r++) state.learnStat(Stat.activeRepeats, 1);
          }
          if (value !== idle && !judgedAnomalous) state.learnStat(Stat.activeRepeats, 0);
        }
        // A count learns the same per value, from runs that were not already judged stuck.
        if (
          state.counts &&
          state.last !== undefined &&
          state.run + 1 < this.countStuckRun(state, state.last)
        ) {
          state.learnCountRun(state.last, state.run);
        }
        if (
          state.run > 0 &&
          state.max > state.min &&
          (state.last === state.max || state.last === state.min)
        ) {
          // The longest ordinary run there: one the model would not call saturated.
          if (state.countOf(Stat.pinnedRuns) < PINNED_RUNS_KNOWN || state.run + 1 < pinnedRunLimit(state)) {
            state.longestPinned = Math.max(state.longestPinned, state.run + 1);
          }
          state.learnStat(Stat.pinnedRuns, state.run + 1);
        }
        state.run = 0;
      }
      const floor = this.floorOf(state, observation.profileSpec.sensors[sensor]);
      state.learn(value, floor, !judgedAnomalous, this.trendAlpha);
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
      case 'saturated':
        return `${sensor} pinned at ${f.value}, its ${f.bound} reading, for ${f.repeated} readings`;
      case 'rate':
        return `${sensor} summed ${f.sum} over its last ${f.readings} readings (usually ${num('usualSum').toFixed(1)})`;
      case 'switched':
        return `${sensor} switched to ${f.value} after ${f.runLength} readings (its runs usually last ${num('usualRun').toFixed(0)})`;
      case 'held':
        return `${sensor} held at ${f.value} for ${f.runLength} readings (its runs usually last ${num('usualRun').toFixed(0)})`;
      case 'between':
        return `${sensor} at ${f.value}, between the two values it otherwise reports`;
      case 'activity':
        return `${sensor} active on ${percent(num('activity'))} of recent readings (usually ${percent(num('usualActivity'))})`;
      default: {
        const z = num('z');
        const verb = { jump: 'jumped to', trend: 'trending, at' }[finding.kind] ?? 'at';
        // A heavy-tailed sensor's z is judged against its own tails: say so, or z=+12 reads as a fault.
        const tails = num('tail') > 1 ? `; tails ${num('tail').toFixed(1)}× Gaussian` : '';
        // Part of the deviation is what this sensor does daily at this hour: say so, or it reads as all fault.
        const daily = f.usualAtThisTime
          ? `; ${num('usualAtThisTime').toFixed(1)} of its score usual at this time of day`
          : '';
        return `${sensor} ${verb} ${f.value}, z=${z >= 0 ? '+' : ''}${z.toFixed(2)} (mean ${num('mean').toFixed(3)}, σ ${num('stdDev').toFixed(3)}${tails}${daily})`;
      }
    }
  }

  /** Number of (station, sensor) baselines held: the detector's memory grows with it (exported as a gauge). */
  get trackedSeries(): number {
    return this.series.size;
  }

  exportStations(stations: ReadonlySet<string>): Map<string, unknown> {
    return this.series.byStation(stations);
  }

  importStation(stationId: string, state: unknown): void {
    for (const [sensor, data] of Object.entries(state as Record<string, unknown>)) {
      this.series.set(stationId, sensor, restoreInto(new SeriesState(this.shape), data));
    }
  }

  forgetStations(stations: ReadonlySet<string>): void {
    this.series.forget(stations);
  }
}

/** What one test found: the kind of evidence that won, its score and the figures behind it. */
interface Evidence {
  readonly kind: string;
  readonly score: number;
  readonly z: number;
  readonly mean: number;
  readonly stdDev: number;
  /** The tail factor the scores were divided by (1: none). */
  readonly tail: number;
  /** Judged as an idle-mostly sensor. */
  readonly idle?: boolean;
  /** The z the multi-sensor models get, when not `z` (a censored sensor's, on its moving σ alone). */
  readonly residualZ?: number | undefined;
  /** Figures only some kinds of evidence have, for their explanation. */
  readonly extra?: Readonly<Record<string, number | string>>;
}

/**
 * A run at a bound this many times longer than the sensor's mean run there is saturation: with run lengths
 * roughly exponential, a run passes ln(1000) ≈ 7 means once in a thousand runs.
 */
const PINNED_MARGIN = 7;
/** Steps of this many grid steps or fewer can leave a smooth signal on one value. */
const SMOOTH_STEPS = 2.5;
/**
 * How long a run at a bound must be to be saturation: PINNED_MARGIN mean runs, and half as long again as
 * the longest ordinary run there (run lengths at a bound have a heavy tail: many brief touches, some long
 * stays).
 */
function pinnedRunLimit(state: SeriesState): number {
  return Math.max(PINNED_MARGIN * state.mean(Stat.pinnedRuns), PINNED_OVER_LONGEST * state.longestPinned);
}

const PINNED_OVER_LONGEST = 1.5;

/** The share of its long-run spread a censored sensor's level σ is kept at, at least. */
const CENSORED_SPREAD_SHARE = 1;

/** The least gap between a switch's two states, in grid steps. */
const SWITCH_MIN_STEPS = 3;

/** A grid step at least this share of the level's spread makes repeats ordinary (no stuck finding). */
const COARSE_GRID = 0.5;
/**
 * Runs at a bound a sensor must have held and left before its usual runs there are known. Not 10: a tank
 * near full touches 100 % for a reading or two many times before it first sits there for minutes, and the
 * longest of ten brief touches made its first long stay a saturation (live replay: 230 false flags on one
 * tank in 15 minutes, `site_meters` precision 0.657 → 0.778 and 0.766 → 0.931 at 20; 30 cost heavy-tailed
 * counts 0.7 of F1).
 */
const PINNED_RUNS_KNOWN = 20;
/** An activity burst this unlikely at the usual rate scores warning... */
const ACTIVITY_RARITY = 1e5;
/** ...and only if the recent share is this many of its usual swings above its usual level. */
const ACTIVITY_SWING_Z = 4;

/** Readings of a count value before its own repeat share is trusted. */
const COUNT_KNOWN_VISITS = 30;
/**
 * A count value repeating itself up to this share of the time can still look stuck. Not the 0.2 of other
 * sensors, whose single repeat share above it says they are quantised: a count's share is learnt for each
 * value on its own, and an error count at 0 repeats 0 a third of the time yet almost never twenty times
 * in a row (heavy-tailed counts: 62 → 81 of 125 faults found, F1 0.633 → 0.747, most of them stuck,
 * shifted or drifted down to 0 for up to 30 readings). Above it the value is where the sensor rests, and
 * idle runs are no fault.
 */
const COUNT_MAX_REPEAT_SHARE = 0.5;

/** Sensors reporting counts are judged by the Poisson tail below this mean; above it the Gaussian fits. */
const COUNT_MEAN_LIMIT = 100;

/**
 * The value's z against the sensor's level on `scale`. Counts are skewed: at a mean of 5, a reading of 14
 * is four σ out yet comes once in 1 300 readings, so above the level a count is judged by its Poisson tail
 * when that is the more forgiving.
 */
function levelZ(state: SeriesState, value: number, scale: number, counts: boolean): number {
  const gaussianZ = bounded((value - state.mean(Stat.level)) / scale);
  return counts && gaussianZ > 0 ? Math.min(gaussianZ, Math.max(0, countZ(value, state))) : gaussianZ;
}

/**
 * Whole numbers at or above 0 whose spread is at least about their mean's square root, as a count's is,
 * and which change from one reading to the next more often than not, as fresh draws do. Not a temperature
 * in whole degrees (its variance is far below its mean), nor a pump reporting 0 % or 100 % for minutes on
 * end (its sum over ten readings leaps by a thousand at every switch).
 */
function isCountLike(state: SeriesState): boolean {
  const mean = state.mean(Stat.level);
  const variance = state.variance(Stat.level);
  return (
    state.counts &&
    mean < COUNT_MEAN_LIMIT &&
    variance >= COUNT_DISPERSION * mean &&
    state.mean(Stat.changes) > COUNT_MIN_CHANGES
  );
}

/** The least share of readings that differ from the one before on a count. */
const COUNT_MIN_CHANGES = 0.5;

/** The least variance-to-mean ratio of a count (1 for Poisson). */
const COUNT_DISPERSION = 0.5;

/**
 * The Gaussian z of a count's upper tail: Poisson at the moving mean, or negative binomial when the moving
 * variance says the count is over-dispersed (error counts, visitor bursts).
 */
/**
 * The negative binomial size of a count whose moving variance says it is over-dispersed (variance above
 * the mean: error counts, visitor bursts); infinite, Poisson, otherwise.
 */
function countSize(state: SeriesState, stat: Stat): number {
  const mean = Math.max(state.mean(stat), 1e-9);
  const variance = state.variance(stat);
  return variance > mean * 1.05 ? (mean * mean) / (variance - mean) : Number.POSITIVE_INFINITY;
}

/** The Gaussian z of a count's upper tail, Poisson or negative binomial at the moving mean and variance. */
function countZ(value: number, state: SeriesState): number {
  const mean = Math.max(state.mean(Stat.level), 1e-9);
  const k = Math.round(value);
  const size = countSize(state, Stat.level);
  const tail = Number.isFinite(size) ? negativeBinomialUpperTail(k, mean, size) : poissonUpperTail(k, mean);
  return normalQuantile(1 - tail);
}

/**
 * The Gaussian z of the sum of a count's last RATE_READINGS values, above or below how such sums usually
 * run: negative binomial with their moving mean and variance (Poisson when they vary no more than that).
 */
function rateZ(sum: number, state: SeriesState): number {
  const size = countSize(state, Stat.rateSums);
  const mean = Math.max(state.mean(Stat.rateSums), 1e-9);
  const k = Math.round(sum);
  const poisson = !Number.isFinite(size);
  if (k >= mean) {
    const upper = poisson ? poissonUpperTail(k, mean) : negativeBinomialUpperTail(k, mean, size);
    return Math.max(0, normalQuantile(1 - upper));
  }
  const lower = poisson ? poissonLowerTail(k, mean) : negativeBinomialLowerTail(k, mean, size);
  return Math.min(0, normalQuantile(lower));
}

/** A scale floor relative to the level: far below any real sensor's noise, but never zero. */
const RELATIVE_FLOOR = 1e-9;
/** Above zero for a sensor at exactly 0, so no z is 0/0. */
const ABSOLUTE_FLOOR = 1e-300;
/** |z| beyond this says nothing more (a flat sensor's first move): bounded, so every score stays finite. */
const MAX_Z = 1e6;

function bounded(z: number): number {
  return Math.min(MAX_Z, Math.max(-MAX_Z, z));
}

function percent(share: number): string {
  return `${Math.round(100 * share)}%`;
}

/**
 * The residual the multi-sensor models judge: the z itself up to ±SOFT_BOUND, logarithmic beyond. A spiky
 * sensor's z of 180 must not own a cluster distance on its own, while every z a fault usually makes (4 to
 * 10) keeps its size. Not the tail-divided z: a residual whose scale moves with the gauge after the models
 * were trained on it turns ordinary vectors into outliers.
 */
function softBound(z: number): number {
  const size = Math.abs(z);
  return size <= SOFT_BOUND ? z : Math.sign(z) * (SOFT_BOUND + Math.log1p(size - SOFT_BOUND));
}

const SOFT_BOUND = 6;
/** Findings that measure a distance from the usual, which a time of day can make usual (DailyRecurrence). */
const DISTANCE_KINDS: ReadonlySet<string> = new Set(['level', 'jump', 'trend', 'rate']);
