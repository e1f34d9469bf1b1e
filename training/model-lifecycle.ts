import type { Logger } from '../common/logger.js';
import { populationStabilityIndex } from '../scoring/drift.js';
import type { ModelBundle } from '../scoring/model-bundle.js';
import type { DefaultScoringCore } from '../scoring/scoring-core.js';
import type { ModelRegistry } from '../storage/model-registry.js';

export interface DriftPolicy {
  /** PSI of any feature at or above which the profile's models have drifted. */
  readonly psiThreshold: number;
  /** What drift does: `alert` only exports it (and the alert rule fires); `retrain` also trains and activates a new version. */
  readonly action: 'alert' | 'retrain';
  /** Recent normal vectors needed before drift is measured. */
  readonly minRecent: number;
  /** Least time between two drift retrains of a profile (ms). */
  readonly cooldownMs: number;
}

export interface ModelLifecycle {
  /** Adopts every active registry version this detector does not use yet. */
  syncFromRegistry(): Promise<void>;
  /** Registers a version the scoring core trained itself, and makes it active. */
  registerTrained(bundle: ModelBundle): Promise<void>;
  /** Measures drift per profile and feature, and retrains where the policy says so. */
  checkDrift(): Promise<void>;
  /** The latest PSI per profile and feature. */
  drift(): ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/**
 * The detector's side of the model lifecycle: it follows the registry (a new version or a rollback is
 * adopted at the next poll, without a restart), registers what the core trains itself, measures each
 * feature's drift against the version's training distribution, and retrains on drift if asked to.
 */
export function createModelLifecycle(deps: {
  core: DefaultScoringCore;
  registry: ModelRegistry;
  logger: Logger;
  policy: DriftPolicy;
  now?: () => number;
}): ModelLifecycle {
  const { core, registry, logger, policy } = deps;
  const now = deps.now ?? (() => Date.now());
  const drift = new Map<string, Map<string, number>>();
  const lastDriftRetrain = new Map<string, number>();

  async function adoptAndActivate(bundle: ModelBundle): Promise<void> {
    await registry.save(bundle);
    await registry.activate(bundle.profile, bundle.version, now());
    logger.info('registered and activated a model version', {
      profile: bundle.profile,
      version: bundle.version,
      trigger: bundle.trigger,
      vectors: bundle.metrics.vectors,
    });
  }

  return {
    async syncFromRegistry() {
      for (const [profile, active] of await registry.active()) {
        // Already at work here (ours, or adopted before): nothing to do.
        if (core.modelVersionOf(profile) === active.version) continue;
        const bundle = await registry.load(profile, active.version);
        core.adopt(bundle, { pinned: true });
        drift.delete(profile);
        logger.info('adopted model version from the registry', { profile, version: active.version });
      }
    },

    async registerTrained(bundle) {
      await adoptAndActivate(bundle);
    },

    async checkDrift() {
      for (const profile of core.profilesWithModels()) {
        const bundle = core.bundleOf(profile) as ModelBundle;
        const recent = core.recentSinceAdoption(profile, 2_000);
        if (recent.length < policy.minRecent) continue;
        const byFeature = new Map<string, number>();
        bundle.features.forEach((feature, d) => {
          const baseline = bundle.baselines[d];
          if (baseline)
            byFeature.set(
              feature,
              populationStabilityIndex(
                baseline,
                recent.map((v) => v[d] as number),
              ),
            );
        });
        drift.set(profile, byFeature);
        const worst = Math.max(...byFeature.values());
        if (worst < policy.psiThreshold || policy.action !== 'retrain') continue;
        if (now() - (lastDriftRetrain.get(profile) ?? Number.NEGATIVE_INFINITY) < policy.cooldownMs) continue;
        lastDriftRetrain.set(profile, now());
        logger.warn('feature drift past the threshold; retraining', { profile, psi: worst });
        const retrained = core.trainFromWindow(profile, bundle.features, 'drift', now());
        core.adopt(retrained, { pinned: true });
        drift.delete(profile);
        await adoptAndActivate(retrained);
      }
    },

    drift: () => drift,
  };
}
