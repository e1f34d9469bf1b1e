import { seededRandom } from '../common/random.js';
import { quantile } from './standardiser.js';

/**
 * Isolation Forest (Liu, Ting & Zhou, ICDM 2008, https://doi.org/10.1109/ICDM.2008.17): anomalies are few
 * and different, so random axis-aligned splits isolate them in fewer steps than normal points. A point's
 * score is 2^(−E[path length] / c(sampleSize)); near 1 is anomalous, around 0.5 or below is normal.
 */
export interface IsolationForestOptions {
  readonly trees: number;
  readonly sampleSize: number;
  /** Quantile of training scores that becomes the anomaly threshold. */
  readonly thresholdQuantile: number;
  readonly seed: number;
}

export const DEFAULT_ISOLATION_FOREST: IsolationForestOptions = {
  trees: 64,
  sampleSize: 256,
  thresholdQuantile: 0.999,
  seed: 7,
};

/** A node in a flat array: a split (feature ≥ 0) or a leaf holding how many training points reached it. */
interface Node {
  readonly feature: number;
  readonly split: number;
  readonly left: number;
  readonly right: number;
  readonly size: number;
}

export interface IsolationForestParams {
  readonly trees: readonly (readonly Node[])[];
  readonly sampleSize: number;
  /** Median and threshold of the training scores: the scale that maps a score to σ equivalents. */
  readonly medianScore: number;
  readonly threshold: number;
}

export function trainIsolationForest(
  vectors: readonly (readonly number[])[],
  options: IsolationForestOptions = DEFAULT_ISOLATION_FOREST,
): IsolationForestParams {
  const random = seededRandom(options.seed);
  const sampleSize = Math.min(options.sampleSize, vectors.length);
  const heightLimit = Math.ceil(Math.log2(Math.max(2, sampleSize)));
  const trees: Node[][] = [];
  for (let t = 0; t < options.trees; t++) {
    const sample: (readonly number[])[] = [];
    for (let i = 0; i < sampleSize; i++)
      sample.push(vectors[Math.floor(random.next() * vectors.length)] as number[]);
    const nodes: Node[] = [];
    buildNode(nodes, sample, 0, heightLimit, random);
    trees.push(nodes);
  }
  const partial = { trees, sampleSize, medianScore: 0.5, threshold: 1 };
  const scores = vectors.map((v) => isolationScore(partial, v));
  return {
    trees,
    sampleSize,
    medianScore: quantile(scores, 0.5),
    threshold: quantile(scores, options.thresholdQuantile),
  };
}

function buildNode(
  nodes: Node[],
  points: readonly (readonly number[])[],
  depth: number,
  heightLimit: number,
  random: { next(): number },
): number {
  const index = nodes.length;
  const leaf = { feature: -1, split: 0, left: -1, right: -1, size: points.length };
  nodes.push(leaf);
  if (depth >= heightLimit || points.length <= 1) return index;
  const dims = points[0]?.length ?? 0;
  // Try features in random order until one has spread; a sample where every feature is constant is a leaf.
  const start = Math.floor(random.next() * dims);
  for (let attempt = 0; attempt < dims; attempt++) {
    const feature = (start + attempt) % dims;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const p of points) {
      const x = p[feature] as number;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (max <= min) continue;
    const split = min + random.next() * (max - min);
    const leftPoints = points.filter((p) => (p[feature] as number) < split);
    const rightPoints = points.filter((p) => (p[feature] as number) >= split);
    const left = buildNode(nodes, leftPoints, depth + 1, heightLimit, random);
    const right = buildNode(nodes, rightPoints, depth + 1, heightLimit, random);
    nodes[index] = { feature, split, left, right, size: points.length };
    return index;
  }
  return index;
}

/** Average path length of an unsuccessful search in a binary search tree of n points: c(n) in the paper. */
export function averagePathLength(n: number): number {
  // Leaves hold at most a sample's points: their lengths come from a table, as every reading visits 64.
  if (n < PATH_LENGTHS.length) return PATH_LENGTHS[n] as number;
  return pathLengthOf(n);
}

function pathLengthOf(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

export function isolationScore(params: IsolationForestParams, point: readonly number[]): number {
  let total = 0;
  for (const nodes of params.trees) {
    let index = 0;
    let depth = 0;
    while (true) {
      const node = nodes[index] as Node;
      if (node.feature < 0) {
        total += depth + averagePathLength(node.size);
        break;
      }
      index = (point[node.feature] as number) < node.split ? node.left : node.right;
      depth += 1;
    }
  }
  const meanPath = total / params.trees.length;
  return 2 ** (-meanPath / averagePathLength(params.sampleSize));
}

/** c(n) for every n a leaf of a default-sized sample can hold. */
const PATH_LENGTHS = Float64Array.from({ length: 1_024 }, (_, n) => pathLengthOf(n));
