import type { Client } from 'cassandra-driver';
import type { ProfileSpec } from '../common/reading/profiles.js';
import { populationStabilityIndex } from '../scoring/drift.js';
import { type ModelBundle, trainBundle } from '../scoring/model-bundle.js';
import type { ScoringCoreOptions } from '../scoring/scoring-core.js';
import type { ActiveVersion, ModelRegistry } from '../storage/model-registry.js';
import { evenSample, type HistoryWindow, residualVectorsFromHistory } from './history.js';

export interface HistoryTraining {
  readonly profile: string;
  readonly profileSpec: ProfileSpec;
  readonly from: number;
  readonly to: number;
  readonly stationPrefix?: string;
  readonly stats?: ScoringCoreOptions['stats'];
  /** Training vectors kept at most (evenly spread over the window). */
  readonly maxVectors: number;
  /** Fewer normal vectors than this and nothing is trained. */
  readonly minVectors: number;
  readonly activate: boolean;
  readonly trigger: ModelBundle['trigger'];
  readonly now: number;
  readonly onStation?: HistoryWindow['onStation'];
}

export type HistoryTrainingResult =
  | {
      readonly trained: true;
      readonly bundle: ModelBundle;
      readonly readings: number;
      readonly stations: number;
      /** PSI per feature of the new training window against the version that was active before. */
      readonly driftFromPrevious: Readonly<Record<string, number>> | undefined;
      readonly active: ActiveVersion | undefined;
    }
  | {
      readonly trained: false;
      readonly reason: string;
      readonly readings: number;
      readonly stations: number;
    };

/**
 * Trains a profile's multi-sensor models from its history in Cassandra (`npm run train` and the API's
 * retrain route), registers the version and, if asked, activates it. The answer includes how far the
 * new window has drifted from the version it replaces, feature by feature.
 */
export async function trainFromHistory(
  client: Client,
  registry: ModelRegistry,
  training: HistoryTraining,
): Promise<HistoryTrainingResult> {
  const history = await residualVectorsFromHistory(client, {
    profile: training.profile,
    profileSpec: training.profileSpec,
    from: training.from,
    to: training.to,
    ...(training.stationPrefix ? { stationPrefix: training.stationPrefix } : {}),
    ...(training.stats ? { stats: training.stats } : {}),
    ...(training.onStation ? { onStation: training.onStation } : {}),
  });
  const counts = { readings: history.readings, stations: history.stations };
  if (history.vectors.length < training.minVectors) {
    return {
      trained: false,
      reason: `${history.vectors.length} normal readings in the window, fewer than ${training.minVectors}`,
      ...counts,
    };
  }
  const sample = evenSample(
    history.vectors.map((v, i) => ({ v, ts: history.timestamps[i] as number })),
    training.maxVectors,
  );
  const bundle = trainBundle({
    profile: training.profile,
    features: history.features,
    vectors: sample.map((s) => s.v),
    from: Math.min(...sample.map((s) => s.ts)),
    to: Math.max(...sample.map((s) => s.ts)),
    trigger: training.trigger,
    now: training.now,
  });
  const previous = (await registry.active()).get(training.profile);
  const driftFromPrevious = previous
    ? driftBetween(
        await registry.load(training.profile, previous.version),
        sample.map((s) => s.v),
      )
    : undefined;
  await registry.save(bundle);
  const active = training.activate
    ? await registry.activate(training.profile, bundle.version, training.now)
    : undefined;
  return { trained: true, bundle, driftFromPrevious, active, ...counts };
}

/** PSI of each of a version's features between its training distribution and `vectors`. */
export function driftBetween(
  bundle: ModelBundle,
  vectors: readonly (readonly number[])[],
): Record<string, number> {
  const drift: Record<string, number> = {};
  bundle.features.forEach((feature, d) => {
    const baseline = bundle.baselines[d];
    if (baseline)
      drift[feature] = populationStabilityIndex(
        baseline,
        vectors.map((v) => v[d] as number),
      );
  });
  return drift;
}
