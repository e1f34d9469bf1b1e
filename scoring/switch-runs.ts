import { EWMA_COUNT, EWMA_MEAN, EWMA_SLOTS, learnEwmaAt } from './ewma-stats.js';
import { medianOf } from './median.js';

/**
 * What a two-state sensor does: a pump reporting 0 % or 100 %, a valve open or shut, a relay. Its value says
 * almost nothing (a mean of 30 and a σ of 46 make every reading ordinary); what it does wrong is switch at
 * the wrong time, hold a state too long, or report a value between its states that it never reports.
 *
 * A sensor is two-state once it has spent at least TWO_STATE_SHARE of its long run at each of its lowest
 * and highest values and almost never between them. Then:
 * - a run at one state is judged by how long that state's runs usually last, on a log scale (a cycle
 *   that runs 18 minutes on and 42 off, whose on-run ends after 4, or goes on for 30);
 * - a value between the states is judged by how long the sensor has gone without one.
 * O(1) memory and work per reading.
 */
export class SwitchRuns {
  /**
   * Long-run shares of readings at the lowest value, at the highest and strictly between them: three
   * moving statistics from AT_LOW, AT_HIGH and BETWEEN (see `learnEwmaAt`), read on every reading; then
   * the readings since the last one strictly between the states (SINCE_BETWEEN), and the ln(length) of
   * the runs each state held before the sensor left it (from LOW_RUNS and HIGH_RUNS).
   */
  readonly #numbers: Float64Array;
  /** The same numbers when it has its own array, for its checkpoint (see TailGauge's). */
  readonly ownNumbers: Float64Array | undefined;
  readonly lowRuns: RecentRuns;
  readonly highRuns: RecentRuns;
  /**
   * Whether every reading of the current run so far was judged normal, and whether the run is trusted: it
   * began normally after a run that was normal throughout. A run touched by a fault (a pump switched on
   * early, or held on late) ends wherever the fault let go, and the run after it begins at that odd time.
   * Neither's length nor end says anything new, nor teaches the state's usual run.
   */
  private runNormal = true;
  private runTrusted = true;

  /** The weight of the newest reading in the shares: a setting, so not in checkpoints (see EwmaStats). */
  readonly #alpha: number;

  /** `room`: SWITCH_RUNS_NUMBERS zeros to keep the runs in (a view of its owner's array), or none for its own. */
  constructor(longAlpha: number, room?: Float64Array) {
    this.#alpha = longAlpha;
    const numbers = room ?? new Float64Array(SWITCH_RUNS_NUMBERS);
    this.#numbers = numbers;
    this.ownNumbers = room ? undefined : numbers;
    this.lowRuns = new RecentRuns(numbers.subarray(LOW_RUNS, LOW_RUNS + RECENT_RUNS_NUMBERS));
    this.highRuns = new RecentRuns(numbers.subarray(HIGH_RUNS, HIGH_RUNS + RECENT_RUNS_NUMBERS));
  }

  /** Readings since the last one strictly between the states. */
  get sinceBetween(): number {
    return this.#numbers[SINCE_BETWEEN] as number;
  }

  /** Whether the sensor lives at its two extremes, switching straight from one to the other. */
  get twoState(): boolean {
    // The shares first: they are what rules out most sensors, and they lie in the array already read.
    const shares = this.#numbers;
    return (
      (shares[AT_LOW + EWMA_MEAN] as number) >= TWO_STATE_SHARE &&
      (shares[AT_HIGH + EWMA_MEAN] as number) >= TWO_STATE_SHARE &&
      (shares[BETWEEN + EWMA_MEAN] as number) <= BETWEEN_SHARE &&
      (shares[AT_LOW + EWMA_COUNT] as number) >= TWO_STATE_READINGS &&
      this.lowRuns.count >= KNOWN_RUNS &&
      this.highRuns.count >= KNOWN_RUNS
    );
  }

  /**
   * The evidence against `value`, given the sensor's extremes and the run of `last` so far (`run` repeats):
   * a run that ended far sooner than that state's usual, one going on far longer, or a value between the
   * states after a long time without one. Scores on the warning scale (`warningZ` at the rarity asked for).
   */
  judge(
    value: number,
    last: number | undefined,
    run: number,
    low: number,
    high: number,
    warningZ: number,
  ): SwitchEvidence | undefined {
    if (!this.twoState || last === undefined) return undefined;
    if (!this.runTrusted && (value === last || value === low || value === high)) return undefined;
    if (value > low && value < high) {
      // A between value after n readings without one comes about once in n: warning at BETWEEN_RARITY.
      const score = (warningZ * Math.log(this.sinceBetween + 1)) / Math.log(BETWEEN_RARITY);
      return { kind: 'between', score, runLength: 0, usualRun: 0 };
    }
    const lastRuns = last === low ? this.lowRuns : last === high ? this.highRuns : undefined;
    if (value !== last && lastRuns) return this.runEvidence('switched', run + 1, lastRuns, warningZ, -1);
    const runs = value === low ? this.lowRuns : value === high ? this.highRuns : undefined;
    if (value === last && runs) return this.runEvidence('held', run + 2, runs, warningZ, 1);
    return undefined;
  }

  private runEvidence(
    kind: 'switched' | 'held',
    length: number,
    runs: RecentRuns,
    warningZ: number,
    direction: -1 | 1,
  ): SwitchEvidence | undefined {
    // Runs as irregular as chance makes them (a quantised walk between two values) say nothing by length.
    if (runs.count < KNOWN_RUNS || !runs.regular) return undefined;
    const usual = Math.exp(runs.mean);
    const z = direction * runZ(length, runs);
    if (z <= 0) return undefined;
    return { kind, score: (warningZ * z) / RUN_Z, runLength: length, usualRun: usual };
  }

  /** Whether a run of `length` is off the usual length of a regular state by OFF_TIME_Z spreads or more. */
  private offLength(length: number, runs: RecentRuns): boolean {
    return runs.count >= KNOWN_RUNS && runs.regular && Math.abs(runZ(length, runs)) >= OFF_TIME_Z;
  }

  /**
   * Learns one reading; `run` is how many times `last` had repeated before it, `normal` whether the reading
   * was judged normal.
   */
  learn(
    value: number,
    last: number | undefined,
    run: number,
    low: number,
    high: number,
    normal: boolean,
  ): void {
    const isLow = value === low;
    const isHigh = value === high && high > low;
    const isBetween = !isLow && !isHigh;
    // A fault's readings (a drift through the range) must not teach the sensor that it lives there.
    if (normal) {
      const numbers = this.#numbers;
      learnEwmaAt(numbers, AT_LOW, isLow ? 1 : 0, this.#alpha);
      learnEwmaAt(numbers, AT_HIGH, isHigh ? 1 : 0, this.#alpha);
      learnEwmaAt(numbers, BETWEEN, isBetween ? 1 : 0, this.#alpha);
      numbers[SINCE_BETWEEN] = isBetween ? 0 : (numbers[SINCE_BETWEEN] as number) + 1;
    }
    if (last !== undefined && value !== last) {
      // Only runs the sensor left for its other state count: a run cut by a value between the states, or
      // by a new extreme, says nothing about how long the states last.
      const other = last === low ? isHigh : last === high ? isLow : false;
      const runs = last === low ? this.lowRuns : this.highRuns;
      // A run that ended far off its usual length (a fault no test caught held it, or cut it short) makes
      // the next one begin at an odd time: that one's length says nothing either. Nor does that of a run
      // entered from a value between the states (the end of a drift through the range).
      const offTime = other && this.offLength(run + 1, runs);
      if (other && normal && this.runTrusted) runs.update(Math.log(run + 1));
      this.runTrusted = normal && this.runNormal && other && !offTime;
      this.runNormal = normal;
    } else {
      this.runNormal &&= normal;
    }
  }
}

export interface SwitchEvidence {
  readonly kind: 'switched' | 'held' | 'between';
  readonly score: number;
  /** The run that ended (switched) or goes on (held), in readings, and the state's usual run. */
  readonly runLength: number;
  readonly usualRun: number;
}

/** How many spreads ln(`length`) lies above (+) or below (−) the state's usual run. */
function runZ(length: number, runs: RecentRuns): number {
  // Run lengths are whole readings: a clock-driven run of 18 is told from one of 20, not from one of 19.
  const spread = Math.max(runs.stdDev, RUN_LOG_FLOOR, 0.5 / Math.exp(runs.mean));
  return (Math.log(length) - runs.mean) / spread;
}

/** Runs of each state whose lengths are kept. */
const RECENT_RUNS = 21;
/** Slots of a RecentRuns' numbers after the lengths, and how many it keeps. */
const COUNT = RECENT_RUNS;
const MEDIAN = COUNT + 1;
const SPREAD = COUNT + 2;
const REGULAR = COUNT + 3;
const RECENT_RUNS_NUMBERS = REGULAR + 1;
/** Where each share's statistic, the readings since a between value, and each state's runs lie in `numbers`. */
const AT_LOW = 0;
const AT_HIGH = EWMA_SLOTS;
const BETWEEN = 2 * EWMA_SLOTS;
const SINCE_BETWEEN = 3 * EWMA_SLOTS;
const LOW_RUNS = SINCE_BETWEEN + 1;
const HIGH_RUNS = LOW_RUNS + RECENT_RUNS_NUMBERS;
/** The numbers a SwitchRuns keeps. */
export const SWITCH_RUNS_NUMBERS = HIGH_RUNS + RECENT_RUNS_NUMBERS;
/** Share of the long run a two-state sensor spends at each of its extremes, at least... */
const TWO_STATE_SHARE = 0.05;
/** ...and between them, at most. */
const BETWEEN_SHARE = 0.02;
/** Readings before a sensor can be called two-state. */
const TWO_STATE_READINGS = 300;
/** Runs of a state seen before its usual length is trusted. */
const KNOWN_RUNS = 5;
/**
 * A state's runs are judged by their length only when this share of its recent runs lie within
 * REGULAR_BAND of their median: a timer-driven cycle's do but for the odd fault, while runs that end at
 * random (geometric lengths) fall there about one time in ten. Their spread alone would not tell: a
 * fault's odd run inflates a moving σ for hundreds of runs, and a median absolute deviation over a
 * handful of random runs that happen to bunch up can be as small as a timer's.
 */
const REGULAR_SHARE = 0.6;
/** ...within a tenth of the median length either way (ln 1.1)... */
const REGULAR_BAND = Math.log(1.1);
/** ...and the median at least this many readings. */
const REGULAR_MIN_RUN = 5;
/** The least spread of ln(run length): runs of a clock-driven cycle still wobble by a few percent. */
const RUN_LOG_FLOOR = 0.02;
/** Spreads of ln(run length) from the usual that score warning. */
const RUN_Z = 4;
/**
 * ...and that make the next run begin at an odd time, so its length is not judged: half of RUN_Z, as a
 * fault can hold a state a little too long without a warning (three readings on a 42-reading off-run),
 * and the on-run after it then ends on time, three readings short.
 */
const OFF_TIME_Z = RUN_Z / 2;
/** Readings without a value between the states after which one scores warning. */
const BETWEEN_RARITY = 500;

/**
 * The ln(length) of a state's last RECENT_RUNS runs, with their median and a spread from their median
 * absolute deviation (×1.4826, its ratio to σ for Gaussian noise): a fault no test caught that cut a
 * timer's run short, or made it run on, is one odd run among them, not a spread that hides every later
 * fault. A moving σ over the runs took hundreds of runs to forget one such run, and a pump's off-runs
 * read 26 readings ± a factor of 3.5 where they were 42 every time (square_wave F1 0.795 → 0.876).
 */
export class RecentRuns {
  /** The last RECENT_RUNS ln(lengths), then the runs seen, the median, the spread and whether regular. */
  readonly #numbers: Float64Array;
  /** The same numbers when it has its own array, for its checkpoint (see TailGauge's). */
  readonly ownNumbers: Float64Array | undefined;

  /** `room`: RECENT_RUNS_NUMBERS zeros to keep the runs in (a view of its owner's array), or none for its own. */
  constructor(room?: Float64Array) {
    this.#numbers = room ?? new Float64Array(RECENT_RUNS_NUMBERS);
    this.ownNumbers = room ? undefined : this.#numbers;
  }

  get count(): number {
    return this.#numbers[COUNT] as number;
  }

  /** The median ln(length). */
  get mean(): number {
    return this.#numbers[MEDIAN] as number;
  }

  get stdDev(): number {
    return this.#numbers[SPREAD] as number;
  }

  /** Whether REGULAR_SHARE of the runs kept lie within REGULAR_BAND of the median. */
  get regular(): boolean {
    return this.#numbers[REGULAR] === 1;
  }

  update(logLength: number): void {
    const numbers = this.#numbers;
    const count = numbers[COUNT] as number;
    numbers[count % RECENT_RUNS] = logLength;
    numbers[COUNT] = count + 1;
    const n = Math.min(count + 1, RECENT_RUNS);
    const median = medianOf(numbers, n, RUN_SCRATCH);
    let near = 0;
    for (let i = 0; i < n; i++) {
      const deviation = Math.abs((numbers[i] as number) - median);
      RUN_SCRATCH[i] = deviation;
      if (deviation <= REGULAR_BAND) near += 1;
    }
    numbers[MEDIAN] = median;
    numbers[SPREAD] = 1.4826 * medianOf(RUN_SCRATCH, n, RUN_SCRATCH);
    // Never fewer than KNOWN_RUNS: three of a young state's first five random runs can bunch up by chance.
    // Nor runs of a reading or two: a quantised level flicking between two grid values repeats a run of 1
    // more often than not by chance alone.
    numbers[REGULAR] =
      near >= Math.max(REGULAR_SHARE * n, KNOWN_RUNS) && median >= Math.log(REGULAR_MIN_RUN) ? 1 : 0;
  }
}

/** Room to sort them in, shared by every series' runs: each median is taken and read within one call. */
const RUN_SCRATCH = new Float64Array(RECENT_RUNS);
