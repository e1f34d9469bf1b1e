/**
 * `npm run models -- <command>`: the model registry from the command line.
 *
 *   list [profile]               versions, newest first, with their training metrics (every profile by default)
 *   activate <profile> <version> make a version active (detectors adopt it at their next poll)
 *   rollback <profile>           make the previous version active again
 */
import { cassandraClientFor } from '../common/cassandra/client.js';
import { answerHelp, ConfigError, parseConfig } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { CASSANDRA_KEYS, MODEL_REGISTRY_KEYS } from '../common/config/shared.js';
import { isProfileName, profileNames } from '../common/reading/profiles.js';
import { createCassandraModelRegistry, RegistryError } from '../storage/model-registry.js';

const USAGE = 'usage: npm run models -- list [profile] | activate <profile> <version> | rollback <profile>';

async function main(): Promise<void> {
  answerHelp(process.argv.slice(2), USAGE, { ...CASSANDRA_KEYS, ...MODEL_REGISTRY_KEYS });
  const [command, profile, version] = process.argv.slice(2);
  const config = parseConfig({ ...CASSANDRA_KEYS, ...MODEL_REGISTRY_KEYS }, process.env);
  if (profile !== undefined && !isProfileName(profile)) {
    throw new ConfigError([`unknown profile "${profile}"; known: ${profileNames().join(', ')}`]);
  }
  const client = cassandraClientFor(config);
  const registry = createCassandraModelRegistry(client, config.modelRegistry);
  try {
    await client.connect();
    if (command === 'list') {
      const active = await registry.active();
      for (const p of profile ? [profile] : profileNames()) {
        console.log(`${p}:`);
        for (const v of await registry.list(p)) {
          const marker = active.get(p)?.version === v.version ? '*' : ' ';
          console.log(
            `  ${marker} ${v.version}  ${v.trigger.padEnd(9)} ${String(v.trainingVectors).padStart(6)} vectors  ${new Date(v.trainingFrom).toISOString()} → ${new Date(v.trainingTo).toISOString()}  k=${v.metrics.kmeansK}`,
          );
        }
      }
    } else if (command === 'activate' && profile && version) {
      const active = await registry.activate(profile, version);
      console.log(`${profile}: ${active.version} active (previous: ${active.previousVersion ?? 'none'})`);
    } else if (command === 'rollback' && profile) {
      const active = await registry.rollback(profile);
      console.log(`${profile}: rolled back to ${active.version} (from ${active.previousVersion})`);
    } else {
      console.error(USAGE);
      process.exitCode = 2;
    }
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await client.shutdown();
  }
}

runMain(main);
