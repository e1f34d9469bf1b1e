import { describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.js';
import { profileOf } from '../common/reading/profiles.js';
import type { ModelBundle } from '../scoring/model-bundle.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { SimulatedStation } from '../simulation/station.js';
import type { ActiveVersion, ModelRegistry } from '../storage/model-registry.js';
import { createModelLifecycle } from './model-lifecycle.js';

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const FEATURES = ['temperature', 'humidity', 'noise_level'];

/** The registry's contract kept in memory: the lifecycle's logic is tested here, the Cassandra adapter in test/. */
function memoryRegistry() {
  const versions = new Map<string, ModelBundle>();
  const active = new Map<string, ActiveVersion>();
  const registry: ModelRegistry = {
    save: async (bundle) => {
      versions.set(bundle.version, bundle);
    },
    activate: async (profile, version, now = 0) => {
      const entry = { profile, version, previousVersion: active.get(profile)?.version, activatedAt: now };
      active.set(profile, entry);
      return entry;
    },
    rollback: async () => {
      throw new Error('not used');
    },
    active: async () => new Map(active),
    load: async (_profile, version) => versions.get(version) as ModelBundle,
    list: async () => [],
  };
  return { registry, versions, active };
}

function feed(core: ReturnType<typeof createScoringCore>, from: number, count: number) {
  const stations = [0, 1, 2, 3].map(
    (i) =>
      new SimulatedStation({
        stationId: `factory-lc-s${i}`,
        profile: 'factory',
        anomalyRate: 0,
        originTs: ORIGIN,
      }),
  );
  for (let t = from; t < from + count; t++) {
    for (const station of stations) {
      const r = station.readingAt(ORIGIN + t * 60_000);
      core.score({
        stationId: r.stationId,
        profile: 'factory',
        profileSpec: profileOf('factory'),
        ts: ORIGIN + t * 60_000,
        values: r.values,
      });
    }
  }
}

const logger = createLogger({ service: 'test' }, 'error');
const options = { minTraining: 200, window: 400, windowSpanMs: 400 * 60_000, retrainEvery: 0 };

describe('model lifecycle', () => {
  it('adopts the registry’s active version, pinned, and leaves alone what it already uses', async () => {
    const { registry, versions, active } = memoryRegistry();
    const trainer = createScoringCore({ multiSensor: options });
    feed(trainer, 0, 200);
    const bundle = trainer.trainFromWindow('factory', FEATURES, 'manual', ORIGIN);
    versions.set(bundle.version, bundle);
    active.set('factory', {
      profile: 'factory',
      version: bundle.version,
      previousVersion: undefined,
      activatedAt: 0,
    });

    const core = createScoringCore({ multiSensor: options });
    const lifecycle = createModelLifecycle({
      core,
      registry,
      logger,
      policy: { psiThreshold: 0.25, action: 'alert', minRecent: 50, cooldownMs: 0 },
    });
    await lifecycle.syncFromRegistry();
    expect(core.modelVersionOf('factory')).toBe(bundle.version);
    expect(core.isPinned('factory')).toBe(true);
  });

  it('measures drift per feature, and on drift past the threshold retrains, registers and activates a version', async () => {
    const { registry, versions, active } = memoryRegistry();
    const core = createScoringCore({ multiSensor: options });
    feed(core, 0, 300);
    // A version whose training distribution was far narrower than what the stations do now.
    const narrow = core.trainFromWindow('factory', FEATURES, 'manual', ORIGIN);
    const squeezed: ModelBundle = {
      ...narrow,
      version: 'factory-20260105000000-0001',
      baselines: narrow.baselines.map((b) => ({ edges: b.edges.map((e) => e / 10), shares: b.shares })),
    };
    core.adopt(squeezed, { pinned: true });
    feed(core, 300, 100);

    const alertOnly = createModelLifecycle({
      core,
      registry,
      logger,
      policy: { psiThreshold: 0.25, action: 'alert', minRecent: 50, cooldownMs: 0 },
    });
    await alertOnly.checkDrift();
    const psi = alertOnly.drift().get('factory');
    expect([...(psi?.keys() ?? [])]).toEqual(FEATURES);
    expect(Math.max(...(psi?.values() ?? []))).toBeGreaterThan(0.25);
    expect(core.modelVersionOf('factory')).toBe(squeezed.version);
    expect(versions.size).toBe(0);

    const retrain = createModelLifecycle({
      core,
      registry,
      logger,
      policy: { psiThreshold: 0.25, action: 'retrain', minRecent: 50, cooldownMs: 3_600_000 },
    });
    await retrain.checkDrift();
    const retrained = core.bundleOf('factory');
    expect(retrained?.trigger).toBe('drift');
    expect(retrained?.version).not.toBe(squeezed.version);
    expect(versions.has(retrained?.version as string)).toBe(true);
    expect(active.get('factory')?.version).toBe(retrained?.version);
    // Too few readings since the new version to measure it again; and the cooldown holds anyway.
    await retrain.checkDrift();
    expect(core.bundleOf('factory')?.version).toBe(retrained?.version);
  });
});
