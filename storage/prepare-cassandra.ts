/**
 * `node dist/storage/prepare-cassandra.js`: secures a Cassandra node and applies the schema, the way the
 * native stack does at every start (common/cassandra/roles.ts, cassandra/schema.cql); compose runs it as
 * its cassandra-schema job. Idempotent. Waits for the node to accept a login (up to 5 minutes).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { createCassandraClient } from '../common/cassandra/client.js';
import { ensureCassandraRoles, RolesMismatchError } from '../common/cassandra/roles.js';
import { applyCqlFile } from '../common/cassandra/schema.js';
import { answerHelp, envKey, parseConfig } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { CASSANDRA_KEYS } from '../common/config/shared.js';

const PREPARE_KEYS = {
  ...CASSANDRA_KEYS,
  schemaFile: envKey(
    'CASSANDRA_SCHEMA_FILE',
    z
      .string()
      .min(1)
      .default(path.join(process.cwd(), 'cassandra', 'schema.cql')),
    'The CQL schema to apply (idempotent statements).',
  ),
  lockedDefaultPassword: envKey(
    'CASSANDRA_LOCKED_DEFAULT_PASSWORD',
    z.string().min(16).optional(),
    'Password given to the built-in cassandra role as its login is taken away (random when unset).',
  ),
};

const ATTEMPTS = 60;

async function main(): Promise<void> {
  answerHelp(process.argv.slice(2), 'Secures Cassandra (roles) and applies the schema.', PREPARE_KEYS);
  const config = parseConfig(PREPARE_KEYS, process.env);
  const connectAs = (credentials: { username: string; password: string }) =>
    createCassandraClient({
      contactPoints: config.cassandraContactPoints,
      localDataCenter: config.cassandraDatacenter,
      credentials,
    });
  const own = { username: config.cassandraUsername, password: config.cassandraPassword };
  const locked = config.lockedDefaultPassword ?? randomBytes(24).toString('hex');
  for (let attempt = 1; ; attempt++) {
    try {
      const roles = await ensureCassandraRoles(connectAs, own, locked);
      console.log(
        roles === 'created'
          ? `Created role ${own.username}; the built-in role can no longer log in.`
          : `Role ${own.username} logs in.`,
      );
      break;
    } catch (error) {
      // A node still starting refuses connections; one whose roles were made with other secrets says so.
      if (attempt === ATTEMPTS || error instanceof RolesMismatchError) throw error;
      console.log(`Cassandra not ready (${(error as Error).message}); attempt ${attempt} of ${ATTEMPTS}`);
      await sleep(5_000);
    }
  }
  const client = connectAs(own);
  try {
    const count = await applyCqlFile(client, config.schemaFile);
    console.log(`Schema applied: ${count} statements from ${config.schemaFile}`);
  } finally {
    await client.shutdown();
  }
}

runMain(main);
