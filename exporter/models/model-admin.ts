import type { Client } from 'cassandra-driver';
import { profileOf } from '../../common/reading/profiles.js';
import type { ScoringCoreOptions } from '../../scoring/scoring-core.js';
import type { ActiveVersion, ModelRegistry, VersionSummary } from '../../storage/model-registry.js';
import { evenSample, residualVectorsFromHistory } from '../../training/history.js';
import {
  driftBetween,
  type HistoryTrainingResult,
  trainFromHistory,
} from '../../training/train-from-history.js';

export interface ModelAdminOptions {
  readonly stats: NonNullable<ScoringCoreOptions['stats']>;
  readonly maxVectors: number;
  readonly minVectors: number;
  /** The recent window drift is measured on when a version is activated. */
  readonly driftWindowMs: number;
}

/**
 * What the API's model routes do: read the registry, retrain from history, activate a version, each
 * with the drift figures that tell whether the change fits the data the stations send now.
 */
export class ModelAdmin {
  constructor(
    private readonly client: Client,
    readonly registry: ModelRegistry,
    private readonly options: ModelAdminOptions,
  ) {}

  async versions(
    profiles: readonly string[],
    limit: number,
  ): Promise<(VersionSummary & { active: boolean })[]> {
    const active = await this.registry.active();
    const versions: (VersionSummary & { active: boolean })[] = [];
    for (const profile of profiles) {
      for (const version of await this.registry.list(profile, limit)) {
        versions.push({ ...version, active: active.get(profile)?.version === version.version });
      }
    }
    return versions;
  }

  async active(): Promise<Map<string, ActiveVersion>> {
    return this.registry.active();
  }

  async retrain(profile: string, hours: number, now: number): Promise<HistoryTrainingResult> {
    return trainFromHistory(this.client, this.registry, {
      profile,
      profileSpec: profileOf(profile),
      from: now - hours * 3_600_000,
      to: now,
      stats: this.options.stats,
      maxVectors: this.options.maxVectors,
      minVectors: this.options.minVectors,
      activate: true,
      trigger: 'manual',
      now,
    });
  }

  /**
   * Activates a version and measures, per feature, the PSI between its training distribution and the
   * profile's readings of the recent window (null when the window holds too few normal readings).
   */
  async activate(
    profile: string,
    version: string,
    now: number,
  ): Promise<{ active: ActiveVersion; drift: Record<string, number> | null }> {
    const active = await this.registry.activate(profile, version, now);
    const bundle = await this.registry.load(profile, version);
    const recent = await residualVectorsFromHistory(this.client, {
      profile,
      profileSpec: profileOf(profile),
      from: now - this.options.driftWindowMs,
      to: now,
      stats: this.options.stats,
    });
    const drift =
      recent.vectors.length >= 50
        ? driftBetween(bundle, evenSample(recent.vectors, this.options.maxVectors))
        : null;
    return { active, drift };
  }
}
