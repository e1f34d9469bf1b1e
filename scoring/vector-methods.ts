import { type IsolationForestParams, isolationScore } from './isolation-forest.js';
import { type KMeansParams, nearestCentroidOfRaw } from './kmeans.js';
import type { VectorMethod } from './profile-vector.model.js';

/**
 * The least K-means threshold: the length a vector of d independent standard normal residuals passes once
 * in a thousand, √χ²(d, 0.999). Trained on a window where the sensors barely moved (a flat or idle stretch),
 * K-means' own threshold is near 0 and would call ordinary z's of 2 an outlier; no residual vector is judged
 * tighter than Gaussian noise. χ² by Wilson and Hilferty's approximation, exact for one and two dimensions.
 */
export function gaussianNormQuantile(d: number): number {
  let quantile = NORM_QUANTILES[d];
  if (quantile === undefined) {
    quantile = normQuantileOf(d);
    NORM_QUANTILES[d] = quantile;
  }
  return quantile;
}

/** Per dimension, computed once: K-means judges every reading. */
const NORM_QUANTILES: number[] = [];

function normQuantileOf(d: number): number {
  if (d <= 1) return 3.291;
  if (d === 2) return Math.sqrt(-2 * Math.log(0.001));
  const z = 3.09;
  return Math.sqrt(d * (1 - 2 / (9 * d) + z * Math.sqrt(2 / (9 * d))) ** 3);
}

/** Trained on identical vectors, the Isolation Forest's margin is 0: the least margin a reading is judged by. */
const MIN_ISOLATION_MARGIN = 0.05;

/** K-means distance: how far a reading is from the nearest centre of the profile's normal operating modes. */
export function kmeansMethod(): VectorMethod<KMeansParams> {
  return {
    name: 'kmeans',
    kind: 'cluster',
    judge(params, vector, warningZ) {
      const { index, distance } = nearestCentroidOfRaw(params, vector);
      return {
        score: (warningZ * distance) / Math.max(params.threshold, gaussianNormQuantile(vector.length)),
        facts: { centroid: index, distance, threshold: params.threshold },
      };
    },
    describe: (f) =>
      `K-means distance ${Number(f.distance).toFixed(2)} from centroid ${f.centroid} (threshold ${Number(f.threshold).toFixed(2)})`,
  };
}

/** Isolation Forest: how easily random splits isolate the reading from the profile's recent normal ones. */
export function isolationForestMethod(): VectorMethod<IsolationForestParams> {
  return {
    name: 'isolation_forest',
    kind: 'isolation',
    judge(params, vector, warningZ) {
      const score = isolationScore(params, vector);
      const margin = Math.max(MIN_ISOLATION_MARGIN, params.threshold - params.medianScore);
      return {
        score: (warningZ * Math.max(0, score - params.medianScore)) / margin,
        facts: { isolationScore: score, threshold: params.threshold },
      };
    },
    describe: (f) =>
      `isolation score ${Number(f.isolationScore).toFixed(3)} (threshold ${Number(f.threshold).toFixed(3)})`,
  };
}
