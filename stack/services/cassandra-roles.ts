import { errors } from 'cassandra-driver';
import { stackCassandraClientAs } from '../clients.js';
import { cassandraCredentialsOf, type StackSecrets } from '../secrets.js';

/** The superuser Cassandra makes on first start, with its well-known password. */
const DEFAULT_ROLE = { username: 'cassandra', password: 'cassandra' } as const;

/** True when the driver gave up because the node refused the login (as opposed to not answering). */
export function isAuthenticationFailure(error: unknown): boolean {
  if (error instanceof errors.AuthenticationError) return true;
  if (error instanceof errors.NoHostAvailableError) {
    const inner = Object.values(error.innerErrors ?? {});
    return inner.length > 0 && inner.every((e) => e instanceof errors.AuthenticationError);
  }
  return false;
}

async function runAs(
  credentials: { username: string; password: string },
  statements: readonly string[],
): Promise<void> {
  const client = stackCassandraClientAs(credentials);
  try {
    for (const cql of statements) await client.execute(cql, [], { prepare: false });
  } finally {
    await client.shutdown();
  }
}

const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Makes sure the stack's own role logs in, and that the built-in `cassandra`/`cassandra` superuser does not.
 * On a fresh node: log in as `cassandra`, create the stack's superuser role, then (as that role) give
 * `cassandra` a random password and take away its login. Afterwards this only checks the stack's login.
 * Role statements take no bind markers, so the (generated, hex) passwords are quoted into the text.
 */
export async function ensureCassandraRoles(secrets: StackSecrets): Promise<'existing' | 'created'> {
  const own = cassandraCredentialsOf(secrets);
  try {
    await runAs(own, ['SELECT release_version FROM system.local']);
    return 'existing';
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
  }
  try {
    await runAs(DEFAULT_ROLE, [
      `CREATE ROLE IF NOT EXISTS ${own.username} WITH PASSWORD = ${quoted(own.password)} AND SUPERUSER = true AND LOGIN = true`,
    ]);
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new Error(
      `Cassandra refuses both the stack's role (${own.username}) and the default one: its roles were made ` +
        'from another .stack/secrets.env. Restore that file, or remove .stack/data/cassandra (its data is lost).',
    );
  }
  await runAs(own, [
    `ALTER ROLE ${DEFAULT_ROLE.username} WITH PASSWORD = ${quoted(secrets.CASSANDRA_LOCKED_DEFAULT_PASSWORD)} AND LOGIN = false`,
  ]);
  return 'created';
}
