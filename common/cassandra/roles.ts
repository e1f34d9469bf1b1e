import { type Client, errors } from 'cassandra-driver';

/**
 * Cassandra's roles, the one way the native stack and compose set them up (compose through
 * storage/prepare-cassandra.ts).
 */

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

/** The node's roles were made with other credentials: waiting will not help, restoring them will. */
export class RolesMismatchError extends Error {
  override readonly name = 'RolesMismatchError';
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

async function runAs(
  connectAs: (credentials: Credentials) => Client,
  credentials: Credentials,
  statements: readonly string[],
): Promise<void> {
  const client = connectAs(credentials);
  try {
    for (const cql of statements) await client.execute(cql, [], { prepare: false });
  } finally {
    await client.shutdown();
  }
}

const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Makes sure the project's own role logs in, and that the built-in `cassandra`/`cassandra` superuser does not.
 * On a fresh node: log in as `cassandra`, create the project's superuser role, then (as that role) give
 * `cassandra` a random password and take away its login. Afterwards this only checks the stack's login.
 * Role statements take no bind markers, so the (generated, hex) passwords are quoted into the text.
 */
export async function ensureCassandraRoles(
  connectAs: (credentials: Credentials) => Client,
  own: Credentials,
  lockedDefaultPassword: string,
): Promise<'existing' | 'created'> {
  try {
    await runAs(connectAs, own, ['SELECT release_version FROM system.local']);
    return 'existing';
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
  }
  try {
    await runAs(connectAs, DEFAULT_ROLE, [
      `CREATE ROLE IF NOT EXISTS ${own.username} WITH PASSWORD = ${quoted(own.password)} AND SUPERUSER = true AND LOGIN = true`,
    ]);
  } catch (error) {
    if (!isAuthenticationFailure(error)) throw error;
    throw new RolesMismatchError(
      `Cassandra refuses both ${own.username} and the built-in role: its roles were made with another ` +
        'password (the native stack keeps it in .stack/secrets.env; compose in .env). Restore it, or remove ' +
        "Cassandra's data (it is lost).",
    );
  }
  await runAs(connectAs, own, [
    `ALTER ROLE ${DEFAULT_ROLE.username} WITH PASSWORD = ${quoted(lockedDefaultPassword)} AND LOGIN = false`,
  ]);
  return 'created';
}
