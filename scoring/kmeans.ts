import { kmeans } from 'ml-kmeans';
import { fitStandardiser, quantile, type Standardiser, standardise } from './standardiser.js';

export interface KMeansTrainingOptions {
  /** Candidate cluster counts; the one with the best silhouette on the training data wins. */
  readonly kMin: number;
  readonly kMax: number;
  /** Quantile of training distances that becomes the anomaly threshold (an earlier system used 0.95). */
  readonly thresholdQuantile: number;
  /** Points used to compute silhouettes (the full computation is quadratic). */
  readonly silhouetteSample: number;
  readonly seed: number;
}

export const DEFAULT_KMEANS_TRAINING: KMeansTrainingOptions = {
  kMin: 2,
  kMax: 8,
  thresholdQuantile: 0.999,
  silhouetteSample: 600,
  seed: 42,
};

/** A trained K-means model: everything needed to score, serialisable as JSON for the model registry. */
export interface KMeansParams {
  readonly features: readonly string[];
  readonly standardiser: Standardiser;
  readonly centroids: readonly (readonly number[])[];
  /** Distance from the nearest centroid at which a point is anomalous. */
  readonly threshold: number;
  readonly metrics: {
    readonly k: number;
    readonly silhouette: number;
    readonly inertia: number;
    readonly n: number;
  };
}

/**
 * Fits K-means (ml-kmeans, k-means++ seeding) on standardised vectors: tries each k in range, keeps the one
 * with the best mean silhouette, and sets the threshold at a high quantile of the training points'
 * distances to their nearest centroid.
 */
export function trainKMeans(
  features: readonly string[],
  vectors: readonly (readonly number[])[],
  options: KMeansTrainingOptions = DEFAULT_KMEANS_TRAINING,
): KMeansParams {
  if (vectors.length < options.kMax * 10) {
    throw new Error(`K-means needs at least ${options.kMax * 10} training vectors; got ${vectors.length}`);
  }
  // The vectors are residuals (z's): a spread below 1 is a window where the sensor barely moved.
  const standardiser = fitStandardiser(vectors, 1);
  const points = vectors.map((v) => standardise(standardiser, v));
  const sample = everyNth(points, Math.max(1, Math.floor(points.length / options.silhouetteSample)));
  let best: { centroids: number[][]; silhouette: number; k: number } | undefined;
  // The sample's pairwise distances are the same for every k: computed once, not once per candidate.
  const distances = pairwiseDistances(sample);
  for (let k = options.kMin; k <= options.kMax; k++) {
    const { centroids } = kmeans(points, k, { seed: options.seed + k, initialization: 'kmeans++' });
    const silhouette = meanSilhouette(sample, distances, centroids);
    if (!best || silhouette > best.silhouette) best = { centroids, silhouette, k };
  }
  const chosen = best as { centroids: number[][]; silhouette: number; k: number };
  const trainingDistances = points.map((p) => nearestCentroid(chosen.centroids, p).distance);
  return {
    features,
    standardiser,
    centroids: chosen.centroids,
    threshold: quantile(trainingDistances, options.thresholdQuantile),
    metrics: {
      k: chosen.k,
      silhouette: chosen.silhouette,
      inertia: trainingDistances.reduce((sum, d) => sum + d * d, 0),
      n: points.length,
    },
  };
}

/**
 * The nearest centroid to a raw vector, standardised on the fly: what `nearestCentroid(centroids,
 * standardise(standardiser, vector))` gives, without an array per reading (K-means judges every one).
 */
export function nearestCentroidOfRaw(
  params: KMeansParams,
  vector: readonly number[],
): { index: number; distance: number } {
  const { centroids, standardiser } = params;
  let index = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centroids.length; c++) {
    const centroid = centroids[c] as readonly number[];
    let sum = 0;
    for (let d = 0; d < vector.length; d++) {
      const x =
        ((vector[d] as number) - (standardiser.means[d] as number)) / (standardiser.stdDevs[d] as number);
      sum += (x - (centroid[d] as number)) ** 2;
    }
    if (sum < best) {
      best = sum;
      index = c;
    }
  }
  return { index, distance: Math.sqrt(best) };
}

export function nearestCentroid(
  centroids: readonly (readonly number[])[],
  point: readonly number[],
): { index: number; distance: number } {
  let index = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centroids.length; c++) {
    const centroid = centroids[c] as readonly number[];
    let sum = 0;
    for (let d = 0; d < point.length; d++) sum += ((point[d] as number) - (centroid[d] as number)) ** 2;
    if (sum < best) {
      best = sum;
      index = c;
    }
  }
  return { index, distance: Math.sqrt(best) };
}

/**
 * The distance of every pair of points, row-major (n × n): the silhouette of each candidate k reads them,
 * and they do not depend on k.
 */
function pairwiseDistances(points: readonly number[][]): Float64Array {
  const n = points.length;
  const distances = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = euclidean(points[i] as number[], points[j] as number[]);
      distances[i * n + j] = d;
      distances[j * n + i] = d;
    }
  }
  return distances;
}

/** Mean silhouette of the points, each assigned to its nearest centroid; `distances` from pairwiseDistances. */
function meanSilhouette(
  points: readonly number[][],
  distances: Float64Array,
  centroids: readonly number[][],
): number {
  const n = points.length;
  const labels = points.map((p) => nearestCentroid(centroids, p).index);
  const sums = new Float64Array(centroids.length);
  const counts = new Uint32Array(centroids.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    counts.fill(0);
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const label = labels[j] as number;
      sums[label] = (sums[label] as number) + (distances[i * n + j] as number);
      counts[label] = (counts[label] as number) + 1;
    }
    const own = labels[i] as number;
    const a = (counts[own] as number) > 0 ? (sums[own] as number) / (counts[own] as number) : 0;
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centroids.length; c++) {
      if (c !== own && (counts[c] as number) > 0)
        b = Math.min(b, (sums[c] as number) / (counts[c] as number));
    }
    if (b === Number.POSITIVE_INFINITY) continue;
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

function euclidean(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += ((a[d] as number) - (b[d] as number)) ** 2;
  return Math.sqrt(sum);
}

function everyNth<T>(items: readonly T[], n: number): T[] {
  return items.filter((_, i) => i % n === 0);
}
