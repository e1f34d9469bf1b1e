/**
 * The Numenta Anomaly Benchmark's scoring (NAB v1.1), re-implemented from the spec in shared/nab/SCORING.md:
 * anomaly windows with sigmoid-weighted rewards for early detections, softened penalties for false
 * positives just after a window, one threshold for the whole corpus chosen by an exact sweep, and a score
 * normalised so the null detector gets 0 and a perfect one 100. Pure functions over row indices.
 */
import { requireAllFinite } from '../../../common/numbers/finite.js';

export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

export const NAB_PROFILES: Readonly<Record<string, CostMatrix>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** One scored file: each row's anomaly score, and the windows as inclusive row-index ranges. */
export interface ScoredFile {
  readonly name: string;
  readonly scores: readonly number[];
  readonly windows: readonly (readonly [number, number])[];
  /** Leading rows left out of scoring; NAB's default is probationPeriod(rows). */
  readonly probation: number;
}

/** The scaled sigmoid A(x) = 2σ(−5x) − 1, clamped to −1 past x = 3. */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

export function probationPeriod(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/** The weight of each row: a reward inside a window, a (softened after a window) penalty outside. */
export function rowWeights(
  rows: number,
  windows: readonly (readonly [number, number])[],
  cost: CostMatrix,
): number[] {
  const weights = new Array<number>(rows).fill(-cost.fpWeight);
  const maxReward = scaledSigmoid(-1);
  let previous: readonly [number, number] | undefined;
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const window = windows[w];
    if (window && i >= window[0] && i <= window[1]) {
      const width = window[1] - window[0] + 1;
      weights[i] = (cost.tpWeight * scaledSigmoid(-(window[1] - i + 1) / width)) / maxReward;
      if (i === window[1]) {
        previous = window;
        w += 1;
      }
    } else if (previous) {
      const width = previous[1] - previous[0] + 1;
      weights[i] = cost.fpWeight * scaledSigmoid((i - previous[1]) / (width - 1));
    }
  }
  return weights;
}

/**
 * Fails on a score that is not finite, naming the file and row: NaN never equals itself, so the sweep's
 * grouping of equal scores would never advance, and NaN ≥ θ is false, so it would pass as "no detection".
 */
export function assertFiniteScores(file: ScoredFile): void {
  requireAllFinite(file.scores, (i) => `${file.name}: row ${i} (line ${i + 2}) anomaly score`);
}

/** The raw score of one file at threshold θ (detections are rows with score ≥ θ). */
export function scoreFile(file: ScoredFile, threshold: number, cost: CostMatrix): number {
  assertFiniteScores(file);
  const weights = rowWeights(file.scores.length, file.windows, cost);
  let total = 0;
  for (const [start, end] of file.windows) {
    if (end < file.probation) continue;
    let best: number | undefined;
    for (let i = Math.max(start, file.probation); i <= end; i++) {
      if ((file.scores[i] as number) >= threshold)
        best = Math.max(best ?? Number.NEGATIVE_INFINITY, weights[i] as number);
    }
    total += best ?? -cost.fnWeight;
  }
  const inWindow = windowMembership(file);
  for (let i = file.probation; i < file.scores.length; i++) {
    if ((inWindow[i] as number) < 0 && (file.scores[i] as number) >= threshold) total += weights[i] as number;
  }
  return total;
}

export interface SweepResult {
  readonly threshold: number;
  readonly raw: number;
  readonly windows: number;
  readonly normalised: number;
}

/**
 * The threshold that maximises the corpus score, by the exact O(N log N) sweep of the spec (every distinct
 * score is a candidate, and 1.1 stands for "no detections"), with the normalised score at it.
 */
export function optimiseThreshold(files: readonly ScoredFile[], cost: CostMatrix): SweepResult {
  const rows: { score: number; weight: number; window: number }[] = [];
  let windowCount = 0;
  for (const file of files) {
    assertFiniteScores(file);
    const weights = rowWeights(file.scores.length, file.windows, cost);
    const membership = windowMembership(file);
    const ids = new Map<number, number>();
    for (let i = file.probation; i < file.scores.length; i++) {
      const local = membership[i] as number;
      let window = -1;
      if (local >= 0) {
        if (!ids.has(local)) ids.set(local, windowCount++);
        window = ids.get(local) as number;
      }
      rows.push({ score: file.scores[i] as number, weight: weights[i] as number, window });
    }
  }
  rows.sort((a, b) => b.score - a.score);
  const windowTerm = new Array<number>(windowCount).fill(-cost.fnWeight);
  let windowSum = -cost.fnWeight * windowCount;
  let fpSum = 0;
  let best = { threshold: 1.1, raw: windowSum };
  for (let i = 0; i < rows.length; ) {
    const score = (rows[i] as { score: number }).score;
    for (; i < rows.length && (rows[i] as { score: number }).score === score; i++) {
      const row = rows[i] as { weight: number; window: number };
      if (row.window < 0) fpSum += row.weight;
      else if (row.weight > (windowTerm[row.window] as number)) {
        windowSum += row.weight - (windowTerm[row.window] as number);
        windowTerm[row.window] = row.weight;
      }
    }
    const total = windowSum + fpSum;
    if (total > best.raw) best = { threshold: score, raw: total };
  }
  return { ...best, windows: windowCount, normalised: normalise(best.raw, windowCount, cost) };
}

/** 100 · (raw − null) / (perfect − null), with null = −fnW·windows and perfect = tpW·windows. */
export function normalise(raw: number, windows: number, cost: CostMatrix): number {
  const nullRaw = -cost.fnWeight * windows;
  const perfectRaw = cost.tpWeight * windows;
  return perfectRaw === nullRaw ? 0 : (100 * (raw - nullRaw)) / (perfectRaw - nullRaw);
}

/** For each row, the index of the window it lies in among the file's windows, or −1. */
function windowMembership(file: ScoredFile): Int32Array {
  const membership = new Int32Array(file.scores.length).fill(-1);
  file.windows.forEach(([start, end], index) => {
    for (let i = Math.max(0, start); i <= Math.min(end, file.scores.length - 1); i++) membership[i] = index;
  });
  return membership;
}
