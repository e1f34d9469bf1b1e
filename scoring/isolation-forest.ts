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
  const { features, children, values, roots } = flatForestOf(params.trees);
  // Four trees walked side by side: each step of a walk waits on the load before it, and four walks'
  // loads overlap where one walk's cannot.
  let total = 0;
  let t = 0;
  for (; t + 4 <= roots.length; t += 4) {
    let a = roots[t] as number;
    let b = roots[t + 1] as number;
    let c = roots[t + 2] as number;
    let d = roots[t + 3] as number;
    let fa = features[a] as number;
    let fb = features[b] as number;
    let fc = features[c] as number;
    let fd = features[d] as number;
    // The sign bit of the AND is set only when all four are leaves (−1).
    while ((fa & fb & fc & fd) >= 0) {
      if (fa >= 0) {
        a = childOf(children, values, a, fa, point);
        fa = features[a] as number;
      }
      if (fb >= 0) {
        b = childOf(children, values, b, fb, point);
        fb = features[b] as number;
      }
      if (fc >= 0) {
        c = childOf(children, values, c, fc, point);
        fc = features[c] as number;
      }
      if (fd >= 0) {
        d = childOf(children, values, d, fd, point);
        fd = features[d] as number;
      }
    }
    // One at a time, in the trees' order: the same sum, to the last bit, as walking them one by one.
    total += values[a] as number;
    total += values[b] as number;
    total += values[c] as number;
    total += values[d] as number;
  }
  for (; t < roots.length; t++) total += leafOf(features, children, values, roots[t] as number, point);
  const meanPath = total / roots.length;
  return 2 ** (-meanPath / averagePathLength(params.sampleSize));
}

/** The path length of the leaf `point` reaches from the node `at`. */
function leafOf(
  features: Int32Array,
  children: Int32Array,
  values: Float64Array,
  at: number,
  point: readonly number[],
): number {
  let feature = features[at] as number;
  while (feature >= 0) {
    at = childOf(children, values, at, feature, point);
    feature = features[at] as number;
  }
  return values[at] as number;
}

/** The child of split node `at` (on `feature`) that `point` goes to: the left one, or the right next to it. */
function childOf(
  children: Int32Array,
  values: Float64Array,
  at: number,
  feature: number,
  point: readonly number[],
): number {
  return (children[at] as number) + ((point[feature] as number) < (values[at] as number) ? 0 : 1);
}

/**
 * A forest in typed arrays, a node an index into each: its feature (−1 for a leaf), its left child (the
 * right one is next to it), and its split, or for a leaf its whole path length (depth + c(size)). Every
 * reading walks 64 trees; over objects scattered on the heap that walk was an eighth of the scoring
 * core's time.
 */
interface FlatForest {
  readonly features: Int32Array;
  readonly children: Int32Array;
  readonly values: Float64Array;
  readonly roots: Int32Array;
}

/** Built once per trained forest, the first time it judges a reading. */
const FLAT_FORESTS = new WeakMap<IsolationForestParams['trees'], FlatForest>();

function flatForestOf(trees: IsolationForestParams['trees']): FlatForest {
  let forest = FLAT_FORESTS.get(trees);
  if (!forest) {
    forest = flatten(trees);
    FLAT_FORESTS.set(trees, forest);
  }
  return forest;
}

function flatten(trees: IsolationForestParams['trees']): FlatForest {
  const size = trees.reduce((n, tree) => n + tree.length, 0);
  const forest = {
    features: new Int32Array(size),
    children: new Int32Array(size),
    values: new Float64Array(size),
    roots: new Int32Array(trees.length),
  };
  let next = 0;
  trees.forEach((tree, t) => {
    forest.roots[t] = next;
    // Breadth first, so that a node's two children take adjacent places.
    const queue: { node: number; at: number; depth: number }[] = [{ node: 0, at: next++, depth: 0 }];
    for (let q = 0; q < queue.length; q++) {
      const { node: i, at, depth } = queue[q] as { node: number; at: number; depth: number };
      const node = tree[i] as Node;
      if (node.feature < 0) {
        forest.features[at] = -1;
        forest.values[at] = depth + averagePathLength(node.size);
        continue;
      }
      forest.features[at] = node.feature;
      forest.values[at] = node.split;
      forest.children[at] = next;
      queue.push({ node: node.left, at: next++, depth: depth + 1 });
      queue.push({ node: node.right, at: next++, depth: depth + 1 });
    }
  });
  return forest;
}

/** c(n) for every n a leaf of a default-sized sample can hold. */
const PATH_LENGTHS = Float64Array.from({ length: 1_024 }, (_, n) => pathLengthOf(n));
