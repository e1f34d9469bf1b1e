/**
 * `npm run train`: trains each profile's multi-sensor models (K-means and Isolation Forest) from the
 * history in Cassandra, registers every new version in the model registry and activates it; running
 * detectors adopt it at their next registry poll, without a restart.
 *
 *   npm run train                                  every profile, the last 24 hours
 *   npm run train -- --profile factory --hours 72  one profile, three days
 *   npm run train -- --station-prefix factory-plant2- --no-activate
 */
import { parseArgs } from 'node:util';
import { cassandraClientFor } from '../common/cassandra/client.js';
import { numberOption } from '../common/config/cli-options.js';
import { answerHelp, ConfigError, parseConfig } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { CASSANDRA_KEYS, MODEL_REGISTRY_KEYS } from '../common/config/shared.js';
import { profileNames, profileOf } from '../common/reading/profiles.js';
import { SCORING_KEYS } from '../scoring/config.js';
import { createCassandraModelRegistry } from '../storage/model-registry.js';
import { trainFromHistory } from '../training/train-from-history.js';

/** What training reads: the history's store, the registry, and the scoring settings the detector judges with. */
const TRAIN_KEYS = {
  ...CASSANDRA_KEYS,
  ...MODEL_REGISTRY_KEYS,
  window: SCORING_KEYS.window,
  warmUp: SCORING_KEYS.warmUp,
  modelWindow: SCORING_KEYS.modelWindow,
};

async function main(): Promise<void> {
  answerHelp(
    process.argv.slice(2),
    'usage: npm run train -- [--profile P] [--hours H] [--station-prefix S] [--min-vectors N] [--no-activate]',
    TRAIN_KEYS,
  );
  const { values: args } = parseArgs({
    options: {
      profile: { type: 'string', multiple: true },
      hours: { type: 'string', default: '24' },
      'station-prefix': { type: 'string', default: '' },
      'no-activate': { type: 'boolean', default: false },
      'min-vectors': { type: 'string', default: '200' },
    },
  });
  const config = parseConfig(TRAIN_KEYS, process.env);
  const hours = numberOption('hours', args.hours, { min: 0.1 });
  const minVectors = numberOption('min-vectors', args['min-vectors'], { min: 1, integer: true });
  const profiles = args.profile?.flatMap((p) => p.split(',')) ?? profileNames();
  const unknown = profiles.filter((p) => !profileNames().includes(p));
  if (unknown.length > 0) {
    throw new ConfigError([`--profile: unknown ${unknown.join(', ')}; known: ${profileNames().join(', ')}`]);
  }

  const client = cassandraClientFor(config);
  const registry = createCassandraModelRegistry(client, config.modelRegistry);
  const to = Date.now();
  const from = to - hours * 3_600_000;
  let failures = 0;
  try {
    await client.connect();
    console.log(
      `Training from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}, registry "${config.modelRegistry}"`,
    );
    for (const profile of profiles) {
      const result = await trainFromHistory(client, registry, {
        profile,
        profileSpec: profileOf(profile),
        from,
        to,
        stationPrefix: args['station-prefix'],
        stats: { window: config.window, warmUp: config.warmUp },
        maxVectors: config.modelWindow,
        minVectors,
        activate: !args['no-activate'],
        trigger: 'manual',
        now: Date.now(),
        onStation: ({ index, total, stationId, readings }) =>
          process.stdout.write(
            `\r  ${profile}: station ${index}/${total} ${stationId} (${readings} readings)\x1b[K`,
          ),
      });
      process.stdout.write('\n');
      if (!result.trained) {
        console.log(`  ${profile}: ${result.reason}; not trained`);
        failures += 1;
        continue;
      }
      const m = result.bundle.metrics;
      console.log(
        `  ${profile}: version ${result.bundle.version} from ${result.readings} readings of ${result.stations} stations (${m.vectors} training vectors), K-means k=${m.kmeansK} silhouette ${m.kmeansSilhouette.toFixed(2)}, trained in ${m.trainingMs.toFixed(0)} ms`,
      );
      if (result.driftFromPrevious) {
        const worst = Object.entries(result.driftFromPrevious).sort((a, b) => b[1] - a[1])[0];
        if (worst)
          console.log(
            `  ${profile}: largest drift from the previous version: ${worst[0]} PSI ${worst[1].toFixed(3)}`,
          );
      }
      if (result.active) {
        console.log(`  ${profile}: active (previous: ${result.active.previousVersion ?? 'none'})`);
      }
    }
  } finally {
    await client.shutdown();
  }
  if (failures > 0) process.exitCode = 1;
}

runMain(main);
