import { ensureCassandraRoles as ensureRoles } from '../../common/cassandra/roles.js';
import { stackCassandraClientAs } from '../clients.js';
import { cassandraCredentialsOf, type StackSecrets } from '../secrets.js';

/** The native stack's Cassandra roles, from its secrets: the same set-up compose runs. */
export function ensureCassandraRoles(secrets: StackSecrets): Promise<'existing' | 'created'> {
  return ensureRoles(
    (credentials) => stackCassandraClientAs(credentials),
    cassandraCredentialsOf(secrets),
    secrets.CASSANDRA_LOCKED_DEFAULT_PASSWORD,
  );
}
