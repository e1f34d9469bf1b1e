/**
 * Per-feature mean and standard deviation fitted on training vectors, so multi-sensor models compare
 * sensors measured in kWh and in litres on one scale.
 */
export interface Standardiser {
  readonly means: readonly number[];
  readonly stdDevs: readonly number[];
}

/**
 * `minStdDev` floors each feature's spread: for residual vectors (z's, whose natural unit is 1), a window in
 * which a sensor barely moved must not make its ordinary z's look far away.
 */
export function fitStandardiser(vectors: readonly (readonly number[])[], minStdDev = 0): Standardiser {
  const dims = vectors[0]?.length ?? 0;
  const means = new Array<number>(dims).fill(0);
  const squares = new Array<number>(dims).fill(0);
  for (const v of vectors) for (let d = 0; d < dims; d++) means[d] = (means[d] as number) + (v[d] as number);
  for (let d = 0; d < dims; d++) means[d] = (means[d] as number) / Math.max(1, vectors.length);
  for (const v of vectors) {
    for (let d = 0; d < dims; d++)
      squares[d] = (squares[d] as number) + ((v[d] as number) - (means[d] as number)) ** 2;
  }
  // A constant feature gets σ 1 so it neither divides by zero nor dominates.
  const stdDevs = squares.map((s) => Math.max(minStdDev, Math.sqrt(s / Math.max(1, vectors.length)) || 1));
  return { means, stdDevs };
}

export function standardise(standardiser: Standardiser, vector: readonly number[]): number[] {
  return vector.map((x, d) => (x - (standardiser.means[d] as number)) / (standardiser.stdDevs[d] as number));
}

/** The value at quantile q (0..1) of `values`, by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}
