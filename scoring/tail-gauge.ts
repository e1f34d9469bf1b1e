/**
 * How heavy a stream's tails are, against Gaussian noise: the least |z| that the stream passes on fewer
 * than one reading in a hundred (counting excursions), divided by the Gaussian's 2.576.
 *
 * A sensor whose |z| passes 8 a few times a day (bursty counts, a spiky load) is not in trouble every time
 * it does: dividing its scores by this factor asks each sensor for the same rarity, not the same z, the
 * way HTM's anomaly likelihood judges a raw score by its own recent distribution. The factor is never below
 * 1, so a sensor with Gaussian tails is judged exactly as before.
 *
 * Excursions, not readings: a run of readings past a level counts once, so one long fault, or a fleet
 * whose faults start on one reading in two hundred, does not teach a sensor that its faults are its tails,
 * while bursts that come and go often do. The rate of excursions past each of a ladder of levels is an
 * exact running mean at first (after a prior of PRIOR_READINGS quiet ones), then an exponential memory of
 * `window` readings. O(levels) per value, no allocation.
 */
export class TailGauge {
  private readonly rates = new Float64Array(LEVELS.length);
  private readings = 0;
  private lastAbsZ = 0;
  private current = 1;

  constructor(private readonly window = 1000) {}

  learn(absZ: number): void {
    this.readings += 1;
    const weight = Math.max(1 / this.window, 1 / (this.readings + PRIOR_READINGS));
    for (let k = 0; k < LEVELS.length; k++) {
      const level = LEVELS[k] as number;
      const onset = absZ > level && this.lastAbsZ <= level ? 1 : 0;
      this.rates[k] = (this.rates[k] as number) + weight * (onset - (this.rates[k] as number));
    }
    this.lastAbsZ = absZ;
    this.current = this.computeFactor();
  }

  /** ≥ 1: how many times heavier than Gaussian the tails are (kept as it learns: read on every judgement). */
  get factor(): number {
    return this.current;
  }

  private computeFactor(): number {
    for (let k = 0; k < LEVELS.length; k++) {
      if ((this.rates[k] as number) <= RARE) return (LEVELS[k] as number) / GAUSSIAN_Q99;
    }
    return (LEVELS[LEVELS.length - 1] as number) / GAUSSIAN_Q99;
  }
}

/** The 99th percentile of |z| for Gaussian noise. */
const GAUSSIAN_Q99 = 2.576;
/** A share of readings that starts an excursion past a level rarely enough for the level to be a tail. */
const RARE = 0.01;
/** Quiet readings assumed before the first: a young sensor's first burst does not make it heavy-tailed. */
const PRIOR_READINGS = 100;
/** |z| levels a factor of √2 apart, from the Gaussian's 99th percentile to 128 times it. */
const LEVELS = Array.from({ length: 15 }, (_, k) => GAUSSIAN_Q99 * Math.SQRT2 ** k);
