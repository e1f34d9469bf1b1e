import { auth, Client, policies, types } from 'cassandra-driver';

export interface CassandraClientOptions {
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace?: string;
  /** Cassandra with PasswordAuthenticator (the native stack and compose) refuses clients without these. */
  readonly credentials: { readonly username: string; readonly password: string };
}

/**
 * A cassandra-driver client with the project's defaults: LOCAL_QUORUM (a quorum of one is the one node
 * here; with more replicas it survives one being down) and prepared statements everywhere.
 */
export function createCassandraClient(options: CassandraClientOptions): Client {
  return new Client({
    contactPoints: [...options.contactPoints],
    localDataCenter: options.localDataCenter,
    ...(options.keyspace ? { keyspace: options.keyspace } : {}),
    authProvider: new auth.PlainTextAuthProvider(options.credentials.username, options.credentials.password),
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    socketOptions: { connectTimeout: 5_000, readTimeout: 12_000 },
    // The driver's default backs off to 10 minutes between attempts: after a minute's outage a detector
    // would sit idle for another minute before noticing Cassandra is back. Try at least every 5 s.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false) },
  });
}

/** The client for the `CASSANDRA_*` configuration keys (common/config/shared.ts) every service and tool reads. */
export function cassandraClientFor(config: {
  readonly cassandraContactPoints: readonly string[];
  readonly cassandraDatacenter: string;
  readonly cassandraKeyspace: string;
  readonly cassandraUsername: string;
  readonly cassandraPassword: string;
}): Client {
  return createCassandraClient({
    contactPoints: config.cassandraContactPoints,
    localDataCenter: config.cassandraDatacenter,
    keyspace: config.cassandraKeyspace,
    credentials: { username: config.cassandraUsername, password: config.cassandraPassword },
  });
}
