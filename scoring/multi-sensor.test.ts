import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { averagePathLength, isolationScore, trainIsolationForest } from './isolation-forest.js';
import { nearestCentroid, trainKMeans } from './kmeans.js';
import { quantile } from './standardiser.js';

/** Two well-separated operating modes of a two-sensor machine (idle and running), in raw units. */
function twoModes(n: number, seed = 1): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? [20 + random.gaussian(), 100 + 5 * random.gaussian()]
      : [60 + random.gaussian(), 300 + 5 * random.gaussian()],
  );
}

describe('trainKMeans', () => {
  const model = trainKMeans(['temperature', 'power'], twoModes(2_000));

  it('finds the number of operating modes by silhouette, and their centres', () => {
    expect(model.metrics.k).toBe(2);
    expect(model.metrics.silhouette).toBeGreaterThan(0.8);
    expect(model.metrics.n).toBe(2_000);
  });

  it('puts the threshold at a high quantile of training distances: normal points fall inside, a mix of modes outside', () => {
    const standardised = (v: number[]) =>
      v.map(
        (x, d) => (x - (model.standardiser.means[d] as number)) / (model.standardiser.stdDevs[d] as number),
      );
    const inside = twoModes(1_000, 2).filter(
      (v) => nearestCentroid(model.centroids, standardised(v)).distance <= model.threshold,
    );
    expect(inside.length / 1_000).toBeGreaterThan(0.99);
    // Hot but drawing idle power: normal for neither mode.
    expect(nearestCentroid(model.centroids, standardised([60, 100])).distance).toBeGreaterThan(
      3 * model.threshold,
    );
  });

  it('refuses too little training data with a message', () => {
    expect(() => trainKMeans(['a'], [[1], [2]])).toThrow(/at least 80 training vectors; got 2/);
  });
});

describe('Isolation Forest', () => {
  const forest = trainIsolationForest(twoModes(2_000));

  it('scores points of either mode as normal and a point between them as anomalous', () => {
    expect(isolationScore(forest, [20, 100])).toBeLessThan(forest.threshold);
    expect(isolationScore(forest, [60, 300])).toBeLessThan(forest.threshold);
    expect(isolationScore(forest, [40, 200])).toBeGreaterThan(forest.threshold);
    expect(isolationScore(forest, [200, 1_000])).toBeGreaterThan(0.6);
  });

  it("scores every point as the paper's walk over the trained trees does, to the last bit", () => {
    // The scoring walk runs over a flattened copy of the trees, four at a time; this is the plain walk.
    const byTheTrees = (trees: typeof forest, point: readonly number[]) => {
      let total = 0;
      for (const nodes of trees.trees) {
        let node = nodes[0];
        let depth = 0;
        while (node && node.feature >= 0) {
          node = nodes[(point[node.feature] as number) < node.split ? node.left : node.right];
          depth += 1;
        }
        total += depth + averagePathLength(node?.size ?? 0);
      }
      return 2 ** (-(total / trees.trees.length) / averagePathLength(trees.sampleSize));
    };
    // A forest whose tree count is not a multiple of four walks its last trees one by one.
    const odd = trainIsolationForest(twoModes(500), {
      trees: 7,
      sampleSize: 64,
      thresholdQuantile: 0.99,
      seed: 3,
    });
    const random = seededRandom(5);
    for (let i = 0; i < 500; i++) {
      const point = [80 * random.next(), 400 * random.next()];
      expect(isolationScore(forest, point)).toBe(byTheTrees(forest, point));
      expect(isolationScore(odd, point)).toBe(byTheTrees(odd, point));
    }
  });

  it('is reproducible for a seed', () => {
    expect(trainIsolationForest(twoModes(500)).threshold).toBe(trainIsolationForest(twoModes(500)).threshold);
  });

  it('uses the average unsuccessful-search path length of the paper', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.24, 2);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 1)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
