import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { auth, Client } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { isAuthenticationFailure } from '../common/cassandra/roles.js';
import { Kafka, logLevel } from '../common/kafka/kafkajs.js';
import { cqlshConnectArgs, ensureCqlsh } from '../stack/install/cqlsh.js';
import { secretsFile } from '../stack/secrets.js';
import { CASSANDRA, HOST, KAFKA_BOOTSTRAP } from '../stack/topology.js';
import { runCli } from './support/service.js';
import { cassandraClient, kafkaClient, paths, secrets } from './support/stack.js';

const run = promisify(execFile);

/** A kafkajs admin built by hand, so the test controls exactly how (or whether) it logs in. */
async function kafkaAdminConnects(sasl?: { username: string; password: string }): Promise<void> {
  const kafka = new Kafka({
    clientId: 'security-test',
    brokers: [...KAFKA_BOOTSTRAP],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    authenticationTimeout: 5_000,
    retry: { retries: 0 },
    ...(sasl ? { sasl: { mechanism: 'scram-sha-512' as const, ...sasl } } : {}),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

async function cassandraQueryAs(credentials?: { username: string; password: string }): Promise<void> {
  const client = new Client({
    contactPoints: [`${HOST}:${CASSANDRA.nativePort}`],
    localDataCenter: CASSANDRA.datacenter,
    ...(credentials
      ? { authProvider: new auth.PlainTextAuthProvider(credentials.username, credentials.password) }
      : {}),
  });
  try {
    await client.execute('SELECT release_version FROM system.local');
  } finally {
    await client.shutdown();
  }
}

describe('Kafka requires a SASL/SCRAM login', () => {
  it('serves a client that logs in with the stack user', async () => {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain('sensor.readings');
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a client that does not log in', async () => {
    await expect(kafkaAdminConnects()).rejects.toThrow(/Closed connection/);
  });

  it('refuses a client with the wrong password', async () => {
    await expect(
      kafkaAdminConnects({ username: secrets.KAFKA_SASL_USERNAME, password: 'not-the-password' }),
    ).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });
});

describe('Cassandra requires a password', () => {
  it('serves the stack role', async () => {
    const client = cassandraClient();
    try {
      const result = await client.execute('SELECT role, is_superuser, can_login FROM system_auth.roles');
      const roles = new Map(result.rows.map((row) => [row.role as string, row]));
      expect(roles.get(secrets.CASSANDRA_USERNAME)?.can_login).toBe(true);
      // The built-in superuser is locked: no login, and not the well-known password any more.
      expect(roles.get('cassandra')?.can_login).toBe(false);
    } finally {
      await client.shutdown();
    }
  });

  it('refuses a client without credentials', async () => {
    const failure = await cassandraQueryAs().catch((error: unknown) => error);
    expect(isAuthenticationFailure(failure)).toBe(true);
  });

  it('refuses the default cassandra/cassandra login', async () => {
    const failure = await cassandraQueryAs({ username: 'cassandra', password: 'cassandra' }).catch(
      (error: unknown) => error,
    );
    expect(isAuthenticationFailure(failure)).toBe(true);
  });

  it('lets cqlsh in through its credentials file', async () => {
    const cqlsh = await ensureCqlsh(paths, () => {});
    const { stdout } = await run(cqlsh, [...cqlshConnectArgs(paths, secrets), '-e', 'LIST ROLES'], {
      timeout: 60_000,
    });
    expect(stdout).toContain(secrets.CASSANDRA_USERNAME);
  });
});

describe('secrets', () => {
  it('are kept in a file only its owner can read', () => {
    expect(statSync(secretsFile(paths)).mode & 0o077).toBe(0);
  });

  it('are required: a tool started without them names each missing variable and exits 2', async () => {
    // An empty variable counts as unset (common/config/env.ts).
    const result = await runCli('detector/models-cli.ts', ['list'], {
      CASSANDRA_USERNAME: '',
      CASSANDRA_PASSWORD: '',
    });
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/CASSANDRA_USERNAME: required \(it is not set\)/);
    expect(result.output).toMatch(/CASSANDRA_PASSWORD: required \(it is not set\)/);
  });
});
