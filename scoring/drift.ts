/**
 * Drift of a model's input features, by the Population Stability Index between the training window and a
 * recent window: PSI = Σ (recent − expected) · ln(recent / expected) over bins of the training
 * distribution. Rule of thumb: below 0.1 stable, 0.1–0.25 moderate, above 0.25 a real shift.
 * https://www.lexjansen.com/wuss/2017/47_Final_Paper_PDF.pdf
 */

/** A feature's training distribution: interior bin edges at its deciles, and each bin's share. */
export interface FeatureBaseline {
  readonly edges: readonly number[];
  readonly shares: readonly number[];
}

const BINS = 10;
/** Share given to an empty bin, so the logarithm stays finite. */
const EPSILON = 1e-4;

export function featureBaseline(values: readonly number[]): FeatureBaseline {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < BINS; b++) edges.push(sorted[Math.floor((b * sorted.length) / BINS)] as number);
  return { edges, shares: binShares(edges, values) };
}

export function binShares(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    let bin = 0;
    while (bin < edges.length && value >= (edges[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts.map((c) => c / Math.max(1, values.length));
}

export function populationStabilityIndex(baseline: FeatureBaseline, recent: readonly number[]): number {
  const actual = binShares(baseline.edges, recent);
  let psi = 0;
  for (let b = 0; b < actual.length; b++) {
    const expected = Math.max(EPSILON, baseline.shares[b] as number);
    const observed = Math.max(EPSILON, actual[b] as number);
    psi += (observed - expected) * Math.log(observed / expected);
  }
  return psi;
}
