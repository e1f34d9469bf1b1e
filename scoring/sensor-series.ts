import { DailyRecurrence } from './daily-recurrence.js';
import { EWMA_COUNT, EWMA_MEAN, EWMA_SLOTS, EWMA_VARIANCE, learnEwmaAt } from './ewma-stats.js';
import { medianOf } from './median.js';
import { SWITCH_RUNS_NUMBERS, SwitchRuns } from './switch-runs.js';
import { TAIL_GAUGE_NUMBERS, TailGauge } from './tail-gauge.js';

/** How one sensor's stream is summarised: windows in readings, and the share that makes a sensor idle-mostly. */
export interface SeriesShape {
  /** Effective window of the moving level and steps, in readings. */
  readonly window: number;
  /** Effective window of the long-run spread, in readings: the floor a flat stretch cannot take the scale under. */
  readonly longWindow: number;
  /** Effective window of the recent activity rate of an idle-mostly sensor, in readings. */
  readonly activityWindow: number;
  /** Readings over which a trend is measured (the effective window of the moving slope). */
  readonly trendWindow: number;
  /** A sensor whose most common value takes at least this share of its readings is idle-mostly. */
  readonly idleShare: number;
  /** |z| at which a value is winsorised before it updates the statistics. */
  readonly clipZ: number;
}

/**
 * Where each of a series' moving statistics lives in its numbers: an exponentially weighted mean, variance
 * and count (an EwmaStats' three fields) in EWMA_SLOTS slots from there (see `learnEwmaAt`). Sixteen
 * EwmaStats objects, with their boxed doubles, were 2 KB a sensor spread over the heap.
 */
export const Stat = {
  /** The moving level. */
  level: 0,
  /** One-reading steps. */
  step: 3,
  /** How often a reading repeats the one before it. */
  repeats: 6,
  /** How the moving slope usually varies. */
  slopes: 9,
  /** Values away from idle, for judging an idle-mostly sensor's activity against activity. */
  active: 12,
  /** Usual length of the runs a sensor holds at its highest or lowest value before it moves off again. */
  pinnedRuns: 15,
  /** Steps into active values (from idle or from another active value): an idle-mostly sensor's jumps. */
  activeSteps: 18,
  /**
   * Steps between two active values (within a burst, not into one): a rain gauge's walk moves a quarter of
   * a mm/h a minute while each burst starts with a leap from 0, so leaps within a burst (a gauge gone
   * erratic) show only against these.
   */
  burstSteps: 21,
  /** How often an active value repeats the active one before it (a rain gauge's readings never do). */
  activeRepeats: 24,
  /**
   * How a count's sums over its last RATE_READINGS values usually run (see `rateSumWith`). Learnt from the
   * sums themselves, not from single counts: a count's rate
   * wanders (visitors come in waves), so consecutive counts are not independent and a sum of ten varies
   * by more than ten single counts say.
   */
  rateSums: 27,
  /** How the log-scale sums usually run (see `logRateSumWith`). */
  logRateSums: 30,
  /** How often a reading differs from the one before, however long the runs (counts change nearly always). */
  changes: 33,
  /** How often a reading lies strictly between the lowest and highest the sensor has reported. */
  inside: 36,
  /** Share of readings at the idle candidate since it became one (EWMA of 1 at idle, 0 otherwise). */
  idleRate: 39,
  /** How the recent share of active readings usually moves. */
  activityRates: 42,
  /**
   * How often a reading repeats a lowest or highest value the sensor has not passed for STABLE_BOUND
   * readings (held at a bound), over the long window: the share that makes it censored.
   */
  pinned: 45,
} as const;
export type Stat = (typeof Stat)[keyof typeof Stat];
/** Statistics from this one on remember the long window; those before it, the short one. */
const LONG_MEMORY_FROM = Stat.idleRate;

/**
 * What the statistics model keeps per station and sensor: O(1) memory and work per reading.
 *
 * Beside the moving level and steps it keeps what stops a scale from collapsing on real sensors:
 * - the resolution, the smallest step between distinct values reported (a sensor of whole units cannot be
 *   judged finer than one unit);
 * - the long-run spread, a slow, winsorised σ that a flat or pinned stretch of a few hundred readings does
 *   not erase;
 * - the idle value, the value the sensor sits at most of the time if there is one (rain at 0, solar at
 *   night, a disk that writes now and then), found by a decaying majority vote: an idle-mostly sensor's
 *   active values are judged against the active values, and its rate of activity against its usual rate;
 * - the extremes seen, so a run pinned at a bound reads as saturation, not as an ever larger z.
 */
export class SeriesState {
  /** The long-run level and mean absolute deviation from it: see `longRunStdDev`. */
  longRunMean = 0;
  longRunDeviation = 0;
  /**
   * The moving statistics, from each `Stat` on, and three rings after them, all in one array: from
   * RATES_AT the last RATE_READINGS values, whose sum is a count's rate over a few readings (see
   * `rateSumWith`); from LOG_RATES_AT the same values' ln(1 + value); from STEPS_AT the sizes of the last
   * RECENT_STEPS two-reading steps (see `recentStepMedian`).
   */
  private readonly numbers = new Float64Array(NUMBERS_LENGTH);
  private rateSum = 0;
  private rateCount = 0;
  /**
   * The same window summed on a log scale (ln(1 + count)), and how those sums run. A heavy-tailed count's
   * plain sum is owned by its odd burst of 40, so a shift that lifts every reading by a dozen hides in it;
   * on the log scale each reading weighs about the same, and ten lifted readings stand out.
   */
  private logRateSum = 0;
  /**
   * Readings since the sensor last reported a new lowest and a new highest value: a bound is one it has
   * not passed for a long while (a tank's 100 %), not a record a trending signal keeps setting and holding.
   */
  sinceNewMin = 0;
  sinceNewMax = 0;
  /** The moving slope (a short EWMA of steps), and how it usually varies. */
  slope = 0;
  last: number | undefined;
  /** Whether the last reading was judged normal. */
  private lastNormal = true;
  /** Repeats of `last` so far (0: the last value differed from the one before). */
  run = 0;
  /**
   * For a count, per value below COUNT_VALUES: the share of its readings the next one repeated, and the
   * readings that share was learnt from. Error counts repeat 0 often and 5 hardly ever, so one repeat
   * share for all values would call the zeros stuck or never see a count frozen at 5. Made for the first
   * run a count ends, dropped once the sensor reports a fraction: most sensors never carry them.
   */
  countRepeats: Float64Array | undefined;
  countVisits: Float64Array | undefined;
  /** The recent step median when the value last changed: how fast it was moving before a run began. */
  spreadBeforeRun = Number.POSITIVE_INFINITY;
  /** The value before `last`. */
  private beforeLast: number | undefined;
  /**
   * Two-reading steps (x now − x two readings ago) written to the steps ring so far, oldest overwritten
   * first. Over two readings, so a sensor alternating between two values is not taken for noise.
   */
  private recentStepCount = 0;
  /** Their median, kept as they change (read on every judgement). */
  private stepMedian = 0;
  /** The smallest step between distinct values seen so far (∞ until the sensor has varied). */
  resolution = Number.POSITIVE_INFINITY;
  /** False until the sensor has reported two distinct values: a sensor that never varied is not stuck. */
  varied = false;
  /**
   * The three largest steps that landed within the level's usual range, decaying over the long window. A
   * step as big as the third of them has happened three times without leaving the level (a daily switch
   * between two plateaus): it is part of the signal, so only a bigger one is a jump. The third, not the
   * largest, so one freak step does not blind the test.
   */
  private readonly stepPeaks = [0, 0, 0];
  /** How heavy this sensor's tails are: its scores are divided by the factor. */
  readonly tail = new TailGauge(this.numbers.subarray(TAIL_AT, TAIL_AT + TAIL_GAUGE_NUMBERS));
  /** How high its scores usually rise at each time of day, beyond any other time. */
  readonly recurrence = new DailyRecurrence();
  /**
   * The score the latest reading was judged with, before the time of day's discount (0 for kinds that are
   * not a distance from the usual, such as a stuck run): what the daily recurrence learns from.
   */
  judgedScore = 0;
  /** The longest run held at a bound (see `Stat.pinnedRuns`) that was not itself judged saturation. */
  longestPinned = 0;
  /** How a sensor living at its two extremes (a pump at 0 % or 100 %) switches between them. */
  readonly switching: SwitchRuns;
  /** True while every value reported has been a whole number at or above 0: a count. */
  counts = true;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  /** The idle candidate: the last value held for IDLE_RUN readings in a row while the previous one was no majority. */
  idleValue: number | undefined;
  /** Times the sensor has gone from idle to active. */
  bursts = 0;
  /** Recent share of active readings, and how that share usually moves. */
  activity = 0;

  /** The weights of the newest value in the statistics of the short and the long window: settings. */
  readonly #alpha: number;
  readonly #longAlpha: number;

  /** The windows and shares the series was made with: a setting, so not in its checkpoints (see EwmaStats). */
  readonly #shape: SeriesShape;

  constructor(shape: SeriesShape) {
    this.#shape = shape;
    this.#alpha = 2 / (shape.window + 1);
    this.#longAlpha = 2 / (shape.longWindow + 1);
    this.switching = new SwitchRuns(
      this.#longAlpha,
      this.numbers.subarray(SWITCH_AT, SWITCH_AT + SWITCH_RUNS_NUMBERS),
    );
  }

  get count(): number {
    return this.countOf(Stat.level);
  }

  mean(stat: Stat): number {
    return this.numbers[stat + EWMA_MEAN] as number;
  }

  variance(stat: Stat): number {
    return this.numbers[stat + EWMA_VARIANCE] as number;
  }

  stdDev(stat: Stat): number {
    return Math.sqrt(this.numbers[stat + EWMA_VARIANCE] as number);
  }

  /** The values a statistic has learnt. */
  countOf(stat: Stat): number {
    return this.numbers[stat + EWMA_COUNT] as number;
  }

  /** Learns one value into a statistic, over its window (the short one, or the long one for some). */
  learnStat(stat: Stat, value: number): void {
    learnEwmaAt(this.numbers, stat, value, stat >= LONG_MEMORY_FROM ? this.#longAlpha : this.#alpha);
  }

  /**
   * Whether the sensor sits at one value most of the time, judged by what it did. A profile's
   * `intermittent` flag (`hinted`) halves the share asked for: solar output is at 0 about half the day.
   */
  idleMostly(hinted: boolean): boolean {
    // Idle is the sensor's floor (rain at 0, a pump off): a quantised sensor's most common value in the
    // middle of its range is its level, not idleness.
    if (this.idleValue === undefined || this.idleValue > this.min) return false;
    // A hinted sensor is taken at its word until its idle share is known.
    if (this.countOf(Stat.idleRate) < IDLE_MIN_READINGS) return hinted;
    return this.mean(Stat.idleRate) >= (hinted ? this.#shape.idleShare / 2 : this.#shape.idleShare);
  }

  /**
   * The median size of the last RECENT_STEPS two-reading steps (for independent noise of spread σ, about
   * 0.95σ): a spread that one spike does not move, but that noise
   * starting on a sensor flat until now raises within three readings (where the moving σ, winsorised
   * against its own near-zero self, would take hundreds).
   */
  get recentStepMedian(): number {
    return this.stepMedian;
  }

  /** The least step that can be a jump: a share of the third-largest recent step within the usual range. */
  get regularStep(): number {
    return this.stepPeaks[2] as number;
  }

  /**
   * Whether the sensor mostly lives inside its range but often sits at a bound (a tank level near full):
   * the truth past the bound is cut off, so its moving σ, learnt from the values inside, is too small.
   */
  get censored(): boolean {
    return this.mean(Stat.inside) >= MOSTLY_INSIDE && this.mean(Stat.pinned) >= CENSORED_SHARE;
  }

  /** Whether the activity rate has been followed long enough (a long window) to tell an unusual one. */
  get activityKnown(): boolean {
    return this.countOf(Stat.activityRates) >= this.#shape.longWindow / 2 && this.bursts >= KNOWN_BURSTS;
  }

  /** The recent activity share this reading would make, without learning it. */
  activityWith(value: number): number {
    const alpha = 2 / (this.#shape.activityWindow + 1);
    return this.activity + alpha * ((value === this.idleValue ? 0 : 1) - this.activity);
  }

  /**
   * Learns one value. `floor` is the scale floor the model judged with; `normal` is false for a reading
   * judged anomalous, which then only moves the statistics within their clip limits.
   */
  learn(value: number, floor: number, normal: boolean, trendAlpha: number): void {
    const limitZ = this.#shape.clipZ;
    if (this.last !== undefined) {
      this.learnStat(Stat.changes, value !== this.last ? 1 : 0);
      const step = value - this.last;
      const size = Math.abs(step);
      const usualRange = limitZ * Math.max(this.stdDev(Stat.level), floor);
      // Within the usual range at both ends: the return from a fault no test caught starts outside it, and
      // taken as ordinary it would teach the sensor that steps as big as its faults are (three such misses
      // and every later jump of that size went unseen).
      const landedWithin =
        Math.abs(value - this.mean(Stat.level)) < usualRange &&
        Math.abs(this.last - this.mean(Stat.level)) < usualRange;
      // Only steps from a reading judged normal: the return from a fault is a big step that lands in range,
      // and must not teach the sensor that steps that big are ordinary.
      if (this.beforeLast !== undefined) {
        this.numbers[STEPS_AT + (this.recentStepCount++ % RECENT_STEPS)] = Math.abs(value - this.beforeLast);
        if (this.recentStepCount >= RECENT_STEPS) {
          for (let i = 0; i < RECENT_STEPS; i++) STEP_SCRATCH[i] = this.numbers[STEPS_AT + i] as number;
          this.stepMedian = medianOf(STEP_SCRATCH, RECENT_STEPS, STEP_SCRATCH);
        }
      }
      this.learnPeak(landedWithin && normal && this.lastNormal && this.count >= 10 ? size : 0);
      if (size > 0) {
        this.varied = true;
        if (size < this.resolution) this.resolution = size;
      }
      this.slope += trendAlpha * (step - this.slope);
      if (normal) this.learnStat(Stat.slopes, this.slope);
      this.learnStat(Stat.step, this.clip(step, Stat.step, limitZ, floor, this.count));
    }
    if (this.counts && !(value >= 0 && Number.isInteger(value))) {
      this.counts = false;
      this.countRepeats = undefined;
      this.countVisits = undefined;
    }
    this.sinceNewMin = value < this.min ? 0 : this.sinceNewMin + 1;
    this.sinceNewMax = value > this.max ? 0 : this.sinceNewMax + 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.count >= 10) {
      const absZ = Math.abs(value - this.mean(Stat.level)) / Math.max(this.stdDev(Stat.level), floor);
      this.tail.learn(absZ);
    }
    this.learnIdle(value, floor, normal);
    // A value held at the highest or lowest the sensor reports is censored (the truth is past the bound):
    // learning it again and again would shrink the spread the next ordinary value is judged by.
    // Not on a sensor that lives at its bounds, a switch reporting 0 % or 100 %: censoring both would
    // freeze its level for good at whichever it showed first.
    const atBound = this.max > this.min && (value === this.max || value === this.min);
    this.learnStat(Stat.inside, atBound ? 0 : 1);
    // Held at a bound it has not passed for a while: a sensor holding its newest record is not clipped.
    const stableBound =
      (value === this.max && this.sinceNewMax >= STABLE_BOUND) ||
      (value === this.min && this.sinceNewMin >= STABLE_BOUND);
    this.learnStat(Stat.pinned, this.run > 0 && stableBound ? 1 : 0);
    const censored = this.run > 0 && atBound && this.mean(Stat.inside) >= MOSTLY_INSIDE;
    if (!censored) this.learnStat(Stat.level, this.clip(value, Stat.level, limitZ, floor, this.count));
    this.learnLongRun(value);
    // Rates are judged on counts only: a sensor that has reported a fraction never is one again.
    if (this.counts) this.learnRate(value, floor, limitZ);
    if (value !== this.last) this.spreadBeforeRun = this.recentStepMedian;
    this.beforeLast = this.last;
    this.last = value;
    this.lastNormal = normal;
  }

  /**
   * Learns that `value`, held `run + 1` readings in a row, ended (or would have: the model learns only
   * runs too short to be a fault), as `run` repeats and one change, at the memory of the long window.
   */
  learnCountRun(value: number, run: number): void {
    if (!(this.counts && Number.isInteger(value) && value >= 0 && value < COUNT_VALUES)) return;
    this.countRepeats ??= new Float64Array(COUNT_VALUES);
    this.countVisits ??= new Float64Array(COUNT_VALUES);
    for (let r = 0; r <= run; r++) {
      const visits = (this.countVisits[value] as number) + 1;
      this.countVisits[value] = visits;
      const weight = Math.max(this.#longAlpha, 1 / visits);
      const repeated = r < run ? 1 : 0;
      this.countRepeats[value] = (this.countRepeats[value] as number) * (1 - weight) + weight * repeated;
    }
  }

  private learnRate(value: number, floor: number, limitZ: number): void {
    const slot = this.rateCount++ % RATE_READINGS;
    this.rateSum += value - (this.numbers[RATES_AT + slot] as number);
    this.numbers[RATES_AT + slot] = value;
    const logValue = Math.log1p(value);
    this.logRateSum += logValue - (this.numbers[LOG_RATES_AT + slot] as number);
    this.numbers[LOG_RATES_AT + slot] = logValue;
    if (this.rateCount >= RATE_READINGS) {
      this.learnStat(
        Stat.rateSums,
        this.clip(this.rateSum, Stat.rateSums, limitZ, floor, this.countOf(Stat.rateSums)),
      );
      this.learnStat(
        Stat.logRateSums,
        this.clip(this.logRateSum, Stat.logRateSums, limitZ, LOG_SUM_FLOOR, this.countOf(Stat.logRateSums)),
      );
    }
  }

  /** The log-scale sum of the last RATE_READINGS values once this one is in (NaN until there are that many). */
  logRateSumWith(value: number): number {
    if (this.rateCount < RATE_READINGS) return Number.NaN;
    return (
      this.logRateSum -
      (this.numbers[LOG_RATES_AT + (this.rateCount % RATE_READINGS)] as number) +
      Math.log1p(value)
    );
  }

  /**
   * The sum of the last RATE_READINGS values once this one is in (NaN until there are that many): a
   * count's rate over a few readings, which shows a shift that each count alone hides in its noise.
   */
  rateSumWith(value: number): number {
    if (this.rateCount < RATE_READINGS) return Number.NaN;
    return this.rateSum - (this.numbers[RATES_AT + (this.rateCount % RATE_READINGS)] as number) + value;
  }

  /**
   * A σ from the long-run mean absolute deviation (×1.2533, its ratio to σ for Gaussian noise). Neither is
   * winsorised: a clip at a few σ of a scale that a flat start left near zero would lock it there. The L1
   * deviation grows only linearly with an outlier, and the long window dilutes it.
   */
  get longRunStdDev(): number {
    return 1.2533 * this.longRunDeviation;
  }

  private learnLongRun(value: number): void {
    const weight = Math.max(this.#longAlpha, 1 / this.count);
    this.longRunDeviation += weight * (Math.abs(value - this.longRunMean) - this.longRunDeviation);
    this.longRunMean += weight * (value - this.longRunMean);
  }

  /** Clips a value to mean ± limitZ·max(σ, floor) of `stat` once the statistics have their first readings. */
  private clip(value: number, stat: Stat, limitZ: number, floor: number, count: number): number {
    if (count < 10) return value;
    const mean = this.numbers[stat] as number;
    const limit = limitZ * Math.max(this.stdDev(stat), floor);
    return Math.min(mean + limit, Math.max(mean - limit, value));
  }

  private learnPeak(size: number): void {
    const peaks = this.stepPeaks;
    const decay = 1 - this.#longAlpha / 2;
    for (let i = 0; i < peaks.length; i++) peaks[i] = (peaks[i] as number) * decay;
    for (let i = 0; i < peaks.length; i++) {
      if (size > (peaks[i] as number)) {
        peaks.splice(i, 0, size);
        peaks.pop();
        break;
      }
    }
  }

  private learnIdle(value: number, floor: number, normal: boolean): void {
    let atIdle = value === this.idleValue;
    // `run` already counts this reading's repeats: a value held IDLE_RUN readings becomes the candidate
    // unless the current one is the majority.
    if (!atIdle && this.run + 1 >= IDLE_RUN && !(this.mean(Stat.idleRate) >= MAJORITY)) {
      this.idleValue = value;
      this.numbers.fill(0, Stat.idleRate, Stat.idleRate + EWMA_SLOTS);
      atIdle = true;
    }
    if (!atIdle && this.last === this.idleValue) this.bursts += 1;
    this.learnStat(Stat.idleRate, atIdle ? 1 : 0);
    if (!atIdle) {
      // A value judged anomalous teaches the spread less: the active readings are a tenth of an idle
      // gauge's, and faults among them, each clipped at 2.5σ, held its σ at 1.6–1.8 where the process's is 1.
      const clipZ = normal ? this.#shape.clipZ : ANOMALOUS_ACTIVE_CLIP_Z;
      this.learnStat(Stat.active, this.clip(value, Stat.active, clipZ, floor, this.countOf(Stat.active)));
      if (this.last !== undefined) {
        const step = this.clip(
          value - this.last,
          Stat.activeSteps,
          this.#shape.clipZ,
          floor,
          this.countOf(Stat.activeSteps),
        );
        this.learnStat(Stat.activeSteps, step);
        if (this.last !== this.idleValue) {
          this.learnStat(
            Stat.burstSteps,
            this.clip(value - this.last, Stat.burstSteps, clipZ, floor, this.countOf(Stat.burstSteps)),
          );
        }
      }
    }
    const alpha = 2 / (this.#shape.activityWindow + 1);
    this.activity += alpha * ((atIdle ? 0 : 1) - this.activity);
    this.learnStat(Stat.activityRates, this.activity);
  }
}

/**
 * |z| at which an idle-mostly sensor's active value judged anomalous is clipped before it updates the
 * active spread (normal ones: the shape's clipZ). Not lower, and not left out altogether: a gauge whose
 * active values grow for good must still learn them (NAB's disk-write series lost 0.9 when flagged values
 * taught nothing; idle_mostly F1 0.746 → 0.803 at 2, 0.821 at 1.5 with NAB dev-25 −0.9).
 */
const ANOMALOUS_ACTIVE_CLIP_Z = 2;

/** Bursts of activity seen before an unusual rate of them can be told. */
const KNOWN_BURSTS = 20;

/** The share of readings inside its range above which a sensor's runs at a bound are censored. */
const MOSTLY_INSIDE = 0.5;
/** ...and held at a bound on at least this share, so its moving σ needs its long-run spread as floor. */
const CENSORED_SHARE = 0.03;
/** Readings a bound must have stood, unpassed, before runs held there count as censored. */
const STABLE_BOUND = 500;
/** Values of a count whose repeat share is learnt one by one (higher ones are judged by their rate). */
export const COUNT_VALUES = 64;
/** Readings a count's rate is summed over. */
export const RATE_READINGS = 10;
/** The least spread of a log-scale sum: a tenth of one reading's step from 0 to 1. */
export const LOG_SUM_FLOOR = 0.1 * Math.LN2;
/** Steps whose median is the recent step spread. */
const RECENT_STEPS = 5;
/**
 * Where each ring starts in a series' `numbers`, after the statistics; then where its tail gauge's and
 * its switch runs' numbers lie, and the length of them all.
 */
const RATES_AT = Object.keys(Stat).length * EWMA_SLOTS;
const LOG_RATES_AT = RATES_AT + RATE_READINGS;
const STEPS_AT = LOG_RATES_AT + RATE_READINGS;
const TAIL_AT = STEPS_AT + RECENT_STEPS;
const SWITCH_AT = TAIL_AT + TAIL_GAUGE_NUMBERS;
const NUMBERS_LENGTH = SWITCH_AT + SWITCH_RUNS_NUMBERS;
/**
 * Room to sort the steps in, shared by every series: a median is taken and read within one call, and the
 * scoring core is synchronous. One per series was a typed array and its buffer for each of tens of
 * thousands of sensors (and every checkpoint carried it).
 */
const STEP_SCRATCH = new Float64Array(RECENT_STEPS);
/** The share of readings that keeps an idle candidate from being replaced. */
const MAJORITY = 0.5;
/** Readings in a row at one value that make it the idle candidate. */
const IDLE_RUN = 3;
/** Readings since a candidate was chosen before its share is trusted. */
const IDLE_MIN_READINGS = 100;
