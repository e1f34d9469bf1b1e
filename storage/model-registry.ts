import type { Client } from 'cassandra-driver';
import type { IsolationForestParams } from '../scoring/isolation-forest.js';
import type { ModelBundle } from '../scoring/model-bundle.js';

/** A registered version, without its (large) parameters: what listings show. */
export interface VersionSummary {
  readonly profile: string;
  readonly version: string;
  readonly createdAt: number;
  readonly trigger: string;
  readonly trainingFrom: number;
  readonly trainingTo: number;
  readonly trainingVectors: number;
  readonly metrics: Record<string, number>;
}

export interface ActiveVersion {
  readonly profile: string;
  readonly version: string;
  readonly previousVersion: string | undefined;
  readonly activatedAt: number;
}

/** A request the registry cannot carry out (unknown version, nothing to roll back to): the caller's mistake. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface ModelRegistry {
  save(bundle: ModelBundle): Promise<void>;
  /** Makes `version` the profile's active version, remembering the one it replaces. */
  activate(profile: string, version: string, now?: number): Promise<ActiveVersion>;
  /** Makes the previous version active again. */
  rollback(profile: string, now?: number): Promise<ActiveVersion>;
  active(): Promise<Map<string, ActiveVersion>>;
  load(profile: string, version: string): Promise<ModelBundle>;
  list(profile: string, limit?: number): Promise<VersionSummary[]>;
}

const INSERT_VERSION = `INSERT INTO model_versions
  (registry, profile, version, created_at, trigger, training_from, training_to, training_vectors, metrics, parameters)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The model registry in Cassandra (tables `model_versions` and `active_models`), under one registry
 * name: detectors poll `active()` and adopt what changed, so a new version or a rollback takes effect
 * without a restart.
 */
export function createCassandraModelRegistry(client: Client, registry: string): ModelRegistry {
  const options = { prepare: true };

  async function exists(profile: string, version: string): Promise<boolean> {
    const result = await client.execute(
      'SELECT version FROM model_versions WHERE registry = ? AND profile = ? AND version = ?',
      [registry, profile, version],
      options,
    );
    return result.rowLength > 0;
  }

  async function activeOf(profile: string): Promise<ActiveVersion | undefined> {
    const result = await client.execute(
      'SELECT profile, version, previous_version, activated_at FROM active_models WHERE registry = ? AND profile = ?',
      [registry, profile],
      options,
    );
    const row = result.first();
    return row ? toActive(row) : undefined;
  }

  async function setActive(profile: string, version: string, previous: string | undefined, now: number) {
    await client.execute(
      'INSERT INTO active_models (registry, profile, version, previous_version, activated_at) VALUES (?, ?, ?, ?, ?)',
      [registry, profile, version, previous ?? null, new Date(now)],
      options,
    );
    return { profile, version, previousVersion: previous, activatedAt: now };
  }

  return {
    async save(bundle) {
      const { kmeans, isolationForest, features, baselines, metrics } = bundle;
      await client.execute(
        INSERT_VERSION,
        [
          registry,
          bundle.profile,
          bundle.version,
          new Date(bundle.createdAt),
          bundle.trigger,
          new Date(bundle.trainingFrom),
          new Date(bundle.trainingTo),
          metrics.vectors,
          JSON.stringify(metrics),
          JSON.stringify({ features, kmeans, isolationForest: packForest(isolationForest), baselines }),
        ],
        options,
      );
    },

    async activate(profile, version, now = Date.now()) {
      if (!(await exists(profile, version))) {
        throw new RegistryError(`profile ${profile} has no version ${version} in registry ${registry}`);
      }
      const current = await activeOf(profile);
      if (current?.version === version) return current;
      return setActive(profile, version, current?.version, now);
    },

    async rollback(profile, now = Date.now()) {
      const current = await activeOf(profile);
      if (!current) throw new RegistryError(`profile ${profile} has no active version to roll back from`);
      if (!current.previousVersion) {
        throw new RegistryError(`profile ${profile}: version ${current.version} has no previous version`);
      }
      // The rolled-back version becomes the previous one, so a second rollback undoes the first.
      return setActive(profile, current.previousVersion, current.version, now);
    },

    async active() {
      const result = await client.execute(
        'SELECT profile, version, previous_version, activated_at FROM active_models WHERE registry = ?',
        [registry],
        options,
      );
      return new Map(result.rows.map((row) => [row.get('profile') as string, toActive(row)]));
    },

    async load(profile, version) {
      const result = await client.execute(
        'SELECT created_at, trigger, training_from, training_to, metrics, parameters FROM model_versions WHERE registry = ? AND profile = ? AND version = ?',
        [registry, profile, version],
        options,
      );
      const row = result.first();
      if (!row)
        throw new RegistryError(`profile ${profile} has no version ${version} in registry ${registry}`);
      const stored = JSON.parse(row.get('parameters')) as Pick<
        ModelBundle,
        'features' | 'kmeans' | 'baselines'
      > & {
        isolationForest: PackedForest;
      };
      const parameters = { ...stored, isolationForest: unpackForest(stored.isolationForest) };
      return {
        profile,
        version,
        createdAt: (row.get('created_at') as Date).getTime(),
        trigger: row.get('trigger'),
        trainingFrom: (row.get('training_from') as Date).getTime(),
        trainingTo: (row.get('training_to') as Date).getTime(),
        metrics: JSON.parse(row.get('metrics')),
        ...parameters,
      };
    },

    async list(profile, limit = 20) {
      const result = await client.execute(
        'SELECT version, created_at, trigger, training_from, training_to, training_vectors, metrics FROM model_versions WHERE registry = ? AND profile = ? LIMIT ?',
        [registry, profile, limit],
        options,
      );
      return result.rows.map((row) => ({
        profile,
        version: row.get('version'),
        createdAt: (row.get('created_at') as Date).getTime(),
        trigger: row.get('trigger'),
        trainingFrom: (row.get('training_from') as Date).getTime(),
        trainingTo: (row.get('training_to') as Date).getTime(),
        trainingVectors: row.get('training_vectors'),
        metrics: JSON.parse(row.get('metrics')),
      }));
    },
  };
}

/** Trees as arrays of [feature, split, left, right, size]: a third of the JSON of named fields. */
type PackedForest = Omit<IsolationForestParams, 'trees'> & { trees: number[][][] };

function packForest(forest: IsolationForestParams): PackedForest {
  return {
    ...forest,
    trees: forest.trees.map((nodes) => nodes.map((n) => [n.feature, n.split, n.left, n.right, n.size])),
  };
}

function unpackForest(packed: PackedForest): IsolationForestParams {
  return {
    ...packed,
    trees: packed.trees.map((nodes) =>
      nodes.map(([feature, split, left, right, size]) => ({
        feature: feature as number,
        split: split as number,
        left: left as number,
        right: right as number,
        size: size as number,
      })),
    ),
  };
}

function toActive(row: { get(name: string): unknown }): ActiveVersion {
  return {
    profile: row.get('profile') as string,
    version: row.get('version') as string,
    previousVersion: (row.get('previous_version') as string | null) ?? undefined,
    activatedAt: (row.get('activated_at') as Date).getTime(),
  };
}
