/**
 * How heavy a stream's tails are, against Gaussian noise: the |z| that the stream passes on RARE of its
 * readings (counting excursions), divided by the Gaussian's 99th percentile, 2.576.
 *
 * A sensor whose |z| passes 8 a few times a day (bursty counts, a spiky load) is not in trouble every time
 * it does: dividing its scores by this factor asks each sensor for the same rarity, not the same z, the
 * way HTM's anomaly likelihood judges a raw score by its own recent distribution. The factor is never below
 * 1, and Gaussian noise gets 1.00–1.06 (20 seeds; read off the rung above, as it once was, it got 1.41
 * on most checks: z against a winsorised moving σ passes 2.576 a little more often than the Gaussian).
 *
 * Excursions, not readings: a run of readings past a level counts once, so one long fault, or a fleet
 * whose faults start on one reading in two hundred, does not teach a sensor that its faults are its tails,
 * while bursts that come and go often do. The rate of excursions past each of a ladder of levels is an
 * exact running mean at first (after a prior of PRIOR_READINGS quiet ones), then an exponential memory of
 * `window` readings; the level where the rate falls to RARE is read between the two rungs around it, on a
 * log scale of rates, so the factor moves smoothly and not in steps of √2. O(levels) per value, no
 * allocation.
 */
export class TailGauge {
  /**
   * The rate of excursions past each level, from 0, then the readings learnt, the last |z| and the factor
   * (READINGS, LAST_ABS_Z, FACTOR): numbers only, so an owner can keep them in its own array.
   */
  readonly #numbers: Float64Array;
  /**
   * The same numbers when the gauge has its own array, so that its checkpoint carries them. Not when they
   * are a view of an owner's array, which its owner's checkpoint carries: the serialiser writes each view's
   * bytes again.
   */
  readonly ownNumbers: Float64Array | undefined;

  /** Readings of memory: a setting, kept out of checkpoints as a # field (see EwmaStats). */
  readonly #window: number;

  /** `room`: TAIL_GAUGE_NUMBERS zeros to keep the gauge in (a view of its owner's array), or none for its own. */
  constructor(room?: Float64Array, window = 1000) {
    this.#window = window;
    this.#numbers = room ?? new Float64Array(TAIL_GAUGE_NUMBERS);
    this.ownNumbers = room ? undefined : this.#numbers;
    this.#numbers[FACTOR] = 1;
  }

  learn(absZ: number): void {
    const numbers = this.#numbers;
    const readings = (numbers[READINGS] as number) + 1;
    numbers[READINGS] = readings;
    const weight = Math.max(1 / this.#window, 1 / (readings + PRIOR_READINGS));
    const lastAbsZ = numbers[LAST_ABS_Z] as number;
    for (let k = 0; k < LEVELS.length; k++) {
      const level = LEVELS[k] as number;
      const onset = absZ > level && lastAbsZ <= level ? 1 : 0;
      numbers[k] = (numbers[k] as number) + weight * (onset - (numbers[k] as number));
    }
    numbers[LAST_ABS_Z] = absZ;
    numbers[FACTOR] = this.computeFactor();
  }

  /** ≥ 1: how many times heavier than Gaussian the tails are (kept as it learns: read on every judgement). */
  get factor(): number {
    return this.#numbers[FACTOR] as number;
  }

  private computeFactor(): number {
    for (let k = 0; k < LEVELS.length; k++) {
      const rate = this.#numbers[k] as number;
      if (rate > RARE) continue;
      if (k === 0) return 1;
      // The rung below passes RARE; the crossing lies between, where a log-scale line through the two
      // rates meets it. A rate of 0 is read as RARE / 8 so the line has a slope.
      const below = this.#numbers[k - 1] as number;
      const between = Math.min(1, Math.log(below / RARE) / Math.log(below / Math.max(rate, RARE / 8)));
      return ((LEVELS[k - 1] as number) * Math.SQRT2 ** between) / GAUSSIAN_Q99;
    }
    return (LEVELS[LEVELS.length - 1] as number) / GAUSSIAN_Q99;
  }
}

/** The 99th percentile of |z| for Gaussian noise. */
const GAUSSIAN_Q99 = 2.576;
/**
 * A share of readings that starts an excursion past a level rarely enough for the level to be a tail. Not
 * rarer: the live fleet starts an episode on 1 % of readings, and at 0.6 % its faults became its tails
 * (live-replay recall 0.762 → 0.738), though NAB's bursty series liked it (dev-25 68.5 → 70.3).
 */
const RARE = 0.01;
/** Quiet readings assumed before the first: a young sensor's first burst does not make it heavy-tailed. */
const PRIOR_READINGS = 100;
/** |z| levels a factor of √2 apart, from the Gaussian's 99th percentile to 128 times it. */
const LEVELS = Array.from({ length: 15 }, (_, k) => GAUSSIAN_Q99 * Math.SQRT2 ** k);
/** Slots of a gauge's numbers after the rates. */
const READINGS = LEVELS.length;
const LAST_ABS_Z = READINGS + 1;
const FACTOR = READINGS + 2;
/** The numbers a tail gauge keeps. */
export const TAIL_GAUGE_NUMBERS = FACTOR + 1;
