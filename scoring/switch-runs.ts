import { EwmaStats } from './ewma-stats.js';

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
  /** Long-run shares of readings at the lowest and highest value, and strictly between them. */
  readonly atLow: EwmaStats;
  readonly atHigh: EwmaStats;
  readonly between: EwmaStats;
  /** ln(length) of the runs each state held before the sensor left it. */
  readonly lowRuns: EwmaStats;
  readonly highRuns: EwmaStats;
  /** Readings since the last one strictly between the states. */
  sinceBetween = 0;
  /**
   * Whether every reading of the current run so far was judged normal, and whether the run is trusted: it
   * began normally after a run that was normal throughout. A run touched by a fault (a pump switched on
   * early, or held on late) ends wherever the fault let go, and the run after it begins at that odd time.
   * Neither's length nor end says anything new, nor teaches the state's usual run.
   */
  private runNormal = true;
  private runTrusted = true;

  constructor(longAlpha: number, alpha: number) {
    this.atLow = new EwmaStats(longAlpha);
    this.atHigh = new EwmaStats(longAlpha);
    this.between = new EwmaStats(longAlpha);
    this.lowRuns = new EwmaStats(alpha);
    this.highRuns = new EwmaStats(alpha);
  }

  /** Whether the sensor lives at its two extremes, switching straight from one to the other. */
  get twoState(): boolean {
    return (
      this.atLow.count >= TWO_STATE_READINGS &&
      this.lowRuns.count >= KNOWN_RUNS &&
      this.highRuns.count >= KNOWN_RUNS &&
      this.atLow.mean >= TWO_STATE_SHARE &&
      this.atHigh.mean >= TWO_STATE_SHARE &&
      this.between.mean <= BETWEEN_SHARE
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
    runs: EwmaStats,
    warningZ: number,
    direction: -1 | 1,
  ): SwitchEvidence | undefined {
    // Runs as irregular as chance makes them (a quantised walk between two values) say nothing by length.
    if (runs.count < KNOWN_RUNS || runs.stdDev > REGULAR_RUNS) return undefined;
    const usual = Math.exp(runs.mean);
    // Run lengths are whole readings: a clock-driven run of 18 is told from one of 20, not from one of 19.
    const spread = Math.max(runs.stdDev, RUN_LOG_FLOOR, 0.5 / usual);
    const z = (direction * (Math.log(length) - runs.mean)) / spread;
    if (z <= 0) return undefined;
    return { kind, score: (warningZ * z) / RUN_Z, runLength: length, usualRun: usual };
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
      this.atLow.update(isLow ? 1 : 0);
      this.atHigh.update(isHigh ? 1 : 0);
      this.between.update(isBetween ? 1 : 0);
      this.sinceBetween = isBetween ? 0 : this.sinceBetween + 1;
    }
    if (last !== undefined && value !== last) {
      // Only runs the sensor left for its other state count: a run cut by a value between the states, or
      // by a new extreme, says nothing about how long the states last.
      const other = last === low ? isHigh : last === high ? isLow : false;
      if (other && normal && this.runTrusted)
        (last === low ? this.lowRuns : this.highRuns).update(Math.log(run + 1));
      this.runTrusted = normal && this.runNormal;
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

/** Share of the long run a two-state sensor spends at each of its extremes, at least... */
const TWO_STATE_SHARE = 0.05;
/** ...and between them, at most. */
const BETWEEN_SHARE = 0.02;
/** Readings before a sensor can be called two-state. */
const TWO_STATE_READINGS = 300;
/** Runs of a state seen before its usual length is trusted. */
const KNOWN_RUNS = 5;
/**
 * The most the ln(run length) of a state may vary for its runs to be judged: a timer-driven cycle varies
 * little, while runs that end at random (geometric lengths) vary by about 1.2.
 */
const REGULAR_RUNS = 0.4;
/** The least spread of ln(run length): runs of a clock-driven cycle still wobble by a few percent. */
const RUN_LOG_FLOOR = 0.02;
/** Spreads of ln(run length) from the usual that score warning. */
const RUN_Z = 4;
/** Readings without a value between the states after which one scores warning. */
const BETWEEN_RARITY = 500;
