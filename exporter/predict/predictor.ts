import { profileOf } from '../../common/reading/profiles.js';
import type { Reading } from '../../common/reading/reading.js';
import { cachedFor } from '../../common/ttl-cache.js';
import type { ModelBundle } from '../../scoring/model-bundle.js';
import { explain } from '../../scoring/scored-reading.js';
import { createScoringCore, type ScoringCoreOptions, type Verdict } from '../../scoring/scoring-core.js';
import type { ModelRegistry } from '../../storage/model-registry.js';
import type { StationRepository } from '../../storage/station.repository.js';

export interface Prediction {
  readonly verdict: Verdict;
  readonly explanation: string;
  readonly modelVersion: string | null;
  readonly historyReadings: number;
}

export interface PredictorOptions {
  /** Stored readings of the station replayed before judging, newest last (the statistics' warm-up). */
  readonly historyReadings: number;
  /** How far back the replayed history may reach. */
  readonly historySpanMs: number;
  /** How long the registry's active versions are trusted before being asked again. */
  readonly registryTtlMs: number;
  readonly stats?: ScoringCoreOptions['stats'];
}

export const DEFAULT_PREDICTOR_OPTIONS: PredictorOptions = {
  // Five times the statistics' warm-up: their mean and spread have settled, and the read stays small
  // (reading 300 rows made predict the slowest route under load).
  historyReadings: 150,
  historySpanMs: 2 * 86_400_000,
  registryTtlMs: 30_000,
};

/**
 * Scores a posted reading the way the detector would, without storing anything: a fresh scoring core
 * with the profile's active registry version replays the station's latest stored readings (so its
 * statistics know the station's normal), then judges the posted one.
 */
export class Predictor {
  private readonly bundles = new Map<string, ModelBundle>();
  /** Each profile's active version, read from the registry at most once per registryTtlMs. */
  private readonly activeVersions: () => Promise<Map<string, string>>;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly stations: StationRepository,
    private readonly options: PredictorOptions = DEFAULT_PREDICTOR_OPTIONS,
    private readonly now = () => Date.now(),
  ) {
    this.activeVersions = cachedFor(
      options.registryTtlMs,
      async () => new Map([...(await registry.active())].map(([p, a]) => [p, a.version])),
      now,
    );
  }

  async predict(reading: Reading): Promise<Prediction> {
    const profileSpec = profileOf(reading.profile);
    const ts = Date.parse(reading.ts);
    const core = createScoringCore({
      ...(this.options.stats ? { stats: this.options.stats } : {}),
      // Replay must not train a model of its own: the registry's version is the one to judge with.
      multiSensor: { minTraining: Number.MAX_SAFE_INTEGER, retrainEvery: 0 },
    });
    const bundle = await this.activeBundle(reading.profile);
    if (bundle) core.adopt(bundle, { pinned: true });

    const history = await this.stations.recentValues(
      reading.stationId,
      ts - this.options.historySpanMs,
      ts,
      this.options.historyReadings,
    );
    const sensors = Object.keys(profileSpec.sensors);
    for (const stored of history.reverse()) {
      // Every model learns the stored reading with the verdict the detector gave it, as the detector's
      // core did; nothing is judged again.
      const observation = {
        stationId: reading.stationId,
        profile: reading.profile,
        profileSpec,
        ts: stored.ts,
        values: Object.fromEntries(sensors.map((s) => [s, stored.values[s] ?? null])),
      };
      core.replay(observation, stored.isAnomaly);
    }
    const verdict = core.score({
      stationId: reading.stationId,
      profile: reading.profile,
      profileSpec,
      ts,
      values: reading.values,
    });
    return {
      verdict,
      explanation: explain(verdict),
      modelVersion: core.modelVersionOf(reading.profile) ?? null,
      historyReadings: history.length,
    };
  }

  private async activeBundle(profile: string): Promise<ModelBundle | undefined> {
    const version = (await this.activeVersions()).get(profile);
    if (!version) return undefined;
    const key = `${profile}\u0000${version}`;
    let bundle = this.bundles.get(key);
    if (!bundle) {
      bundle = await this.registry.load(profile, version);
      // One version per profile is enough to keep: the previous one is no longer active.
      for (const cached of this.bundles.keys())
        if (cached.startsWith(`${profile}\u0000`)) this.bundles.delete(cached);
      this.bundles.set(key, bundle);
    }
    return bundle;
  }
}
