/**
 * Exponentially weighted mean and variance of one sensor's stream, updated in O(1) per value.
 * Recent values weigh more, so the baseline follows daily cycles and slow drift instead of averaging
 * them away. Incremental form from Finch, "Incremental calculation of weighted mean and variance" (2009),
 * https://fanf2.user.srcf.net/hermes/doc/antiforgery/stats.pdf (section 9).
 */
export class EwmaStats {
  mean = 0;
  variance = 0;
  count = 0;

  /**
   * The weight of the newest value, given when made. A private field (#), not a property: a station's
   * checkpoint carries what the statistics learnt, and the structured serialiser leaves # fields out, as
   * it should settings.
   */
  readonly #alpha: number;

  /** `alpha` is the weight of the newest value; a window of N values is roughly alpha = 2 / (N + 1). */
  constructor(alpha: number) {
    this.#alpha = alpha;
  }

  get stdDev(): number {
    return Math.sqrt(this.variance);
  }

  /**
   * The weight is max(alpha, 1/n): until the window has filled, the statistics are the plain running mean
   * and (population) variance, so a young baseline is not biased towards zero variance, which would make
   * ordinary noise look anomalous right after warm-up. `alpha` may be given per value, for a memory in
   * time rather than in values (a weight that grows with the time since the last update).
   */
  update(value: number, alpha = this.#alpha): void {
    this.count += 1;
    const weight = Math.max(alpha, 1 / this.count);
    const diff = value - this.mean;
    const increment = weight * diff;
    this.mean += increment;
    this.variance = (1 - weight) * (this.variance + diff * increment);
  }
}

/**
 * Where an EwmaStats' mean, variance and count lie from the slot it starts at, when many of them are
 * kept in one array (see `learnEwmaAt`).
 */
export const EWMA_MEAN = 0;
export const EWMA_VARIANCE = 1;
export const EWMA_COUNT = 2;
/** Slots of one such statistic. */
export const EWMA_SLOTS = 3;

/**
 * EwmaStats.update for the statistic kept in `numbers` from `at` (the same arithmetic, in the same order:
 * a test holds the two equal to the last bit). A sensor's many statistics in one typed
 * array, rather than an object each with its numbers boxed apart on the heap, are what it reads on every
 * reading in a few cache lines: in a fleet of thousands of stations, those objects were a reading's
 * largest cost, and most of its checkpoint.
 */
export function learnEwmaAt(numbers: Float64Array, at: number, value: number, alpha: number): void {
  const count = (numbers[at + EWMA_COUNT] as number) + 1;
  numbers[at + EWMA_COUNT] = count;
  const weight = Math.max(alpha, 1 / count);
  const mean = numbers[at + EWMA_MEAN] as number;
  const diff = value - mean;
  const increment = weight * diff;
  numbers[at + EWMA_MEAN] = mean + increment;
  numbers[at + EWMA_VARIANCE] = (1 - weight) * ((numbers[at + EWMA_VARIANCE] as number) + diff * increment);
}
