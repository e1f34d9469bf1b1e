import { type IsolationForestParams, isolationScore } from './isolation-forest.js';
import { type KMeansParams, nearestCentroid } from './kmeans.js';
import type { VectorMethod } from './profile-vector.model.js';
import { standardise } from './standardiser.js';

/**
 * Trained on identical vectors (a flat or idle profile), K-means' threshold is 0 and the Isolation Forest's
 * margin too: the least distance (in standardised units) and isolation margin a reading is judged against,
 * so the first different reading scores high but finite, not 0/0.
 */
const MIN_KMEANS_THRESHOLD = Number(process.env.MKT ?? 3);
const MIN_ISOLATION_MARGIN = 0.05;

/** K-means distance: how far a reading is from the nearest centre of the profile's normal operating modes. */
export function kmeansMethod(): VectorMethod<KMeansParams> {
  return {
    name: 'kmeans',
    kind: 'cluster',
    judge(params, vector, warningZ) {
      const { index, distance } = nearestCentroid(params.centroids, standardise(params.standardiser, vector));
      return {
        score: (warningZ * distance) / Math.max(params.threshold, MIN_KMEANS_THRESHOLD),
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
