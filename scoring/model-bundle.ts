import { type FeatureBaseline, featureBaseline } from './drift.js';
import { type IsolationForestParams, trainIsolationForest } from './isolation-forest.js';
import { type KMeansParams, trainKMeans } from './kmeans.js';

/**
 * One version of a profile's multi-sensor models: what the registry stores and the detector loads.
 * Trained on residual vectors (each sensor's z against its station's baseline) of readings judged normal.
 */
export interface ModelBundle {
  readonly profile: string;
  readonly version: string;
  readonly createdAt: number;
  /**
   * Why it was trained: from history on request (manual), drift past the threshold (drift), the detector's
   * first full window (bootstrap), or its window having slid on (sliding).
   */
  readonly trigger: 'manual' | 'drift' | 'bootstrap' | 'sliding';
  readonly trainingFrom: number;
  readonly trainingTo: number;
  readonly features: readonly string[];
  readonly kmeans: KMeansParams;
  readonly isolationForest: IsolationForestParams;
  /** Each feature's training distribution, which drift is measured against. */
  readonly baselines: readonly FeatureBaseline[];
  readonly metrics: BundleMetrics;
}

export interface BundleMetrics {
  readonly vectors: number;
  readonly kmeansK: number;
  readonly kmeansSilhouette: number;
  readonly kmeansThreshold: number;
  readonly isolationThreshold: number;
  readonly trainingMs: number;
}

/** `<profile>-<UTC yyyymmddHHMMss>-<4 hex>`: sorts by time within a profile, unique across trainers. */
export function newVersionId(profile: string, now: number, random = Math.random): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${profile}-${stamp}-${suffix}`;
}

export interface TrainingInput {
  readonly profile: string;
  readonly features: readonly string[];
  readonly vectors: readonly (readonly number[])[];
  readonly from: number;
  readonly to: number;
  readonly trigger: ModelBundle['trigger'];
  readonly now: number;
}

/** Trains both models on the vectors and measures them; pure and deterministic for a given input. */
export function trainBundle(input: TrainingInput): ModelBundle {
  const started = performance.now();
  const kmeans = trainKMeans(input.features, input.vectors);
  const isolationForest = trainIsolationForest(input.vectors);
  const baselines = input.features.map((_, d) => featureBaseline(input.vectors.map((v) => v[d] as number)));
  return {
    profile: input.profile,
    version: newVersionId(input.profile, input.now),
    createdAt: input.now,
    trigger: input.trigger,
    trainingFrom: input.from,
    trainingTo: input.to,
    features: input.features,
    kmeans,
    isolationForest,
    baselines,
    metrics: {
      vectors: input.vectors.length,
      kmeansK: kmeans.metrics.k,
      kmeansSilhouette: kmeans.metrics.silhouette,
      kmeansThreshold: kmeans.threshold,
      isolationThreshold: isolationForest.threshold,
      trainingMs: performance.now() - started,
    },
  };
}
