import { type IsolationForestParams, isolationScore } from './isolation-forest.js';
import { type KMeansParams, nearestCentroid } from './kmeans.js';
import type { VectorMethod } from './profile-vector.model.js';
import { standardise } from './standardiser.js';

/** K-means distance: how far a reading is from the nearest centre of the profile's normal operating modes. */
export function kmeansMethod(): VectorMethod<KMeansParams> {
  return {
    name: 'kmeans',
    kind: 'cluster',
    judge(params, vector, warningZ) {
      const { index, distance } = nearestCentroid(params.centroids, standardise(params.standardiser, vector));
      return {
        score: (warningZ * distance) / params.threshold,
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
      const margin = Math.max(1e-9, params.threshold - params.medianScore);
      return {
        score: (warningZ * Math.max(0, score - params.medianScore)) / margin,
        facts: { isolationScore: score, threshold: params.threshold },
      };
    },
    describe: (f) =>
      `isolation score ${Number(f.isolationScore).toFixed(3)} (threshold ${Number(f.threshold).toFixed(3)})`,
  };
}
