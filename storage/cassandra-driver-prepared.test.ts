import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * cassandra-driver is patched (patches/cassandra-driver+4.10.0.patch) to find a prepared statement by
 * keyspace and query string without joining them into a new key for every row. A statement found under
 * the wrong keyspace, or kept after the driver dropped it, would be executed by an id the server may
 * not know: these hold the patched lookup to the driver's own rules.
 */
const require = createRequire(import.meta.url);
const Metadata = require('cassandra-driver/lib/metadata/index.js') as new (
  options: object,
  controlConnection: object,
) => DriverMetadata;

interface PreparedInfo {
  queryId?: Buffer;
  query: string;
}

interface DriverMetadata {
  getPreparedInfo(keyspace: string | undefined, query: string): PreparedInfo;
  setPreparedById(info: PreparedInfo): void;
  getPreparedById(id: Buffer): PreparedInfo | undefined;
  clearPrepared(): void;
}

function metadata(maxPrepared: number): DriverMetadata {
  return new Metadata({ maxPrepared, logEmitter: () => {} }, {});
}

/** Marks a statement prepared, as the driver does once the server answers with its id. */
function prepared(info: PreparedInfo, id: number): PreparedInfo {
  info.queryId = Buffer.from([id]);
  return info;
}

describe('cassandra-driver prepared statements, as patched', () => {
  it('finds a statement by keyspace and query, and only there', () => {
    const m = metadata(10);
    const statement = prepared(m.getPreparedInfo('readings', 'INSERT INTO t (a) VALUES (?)'), 1);
    expect(m.getPreparedInfo('readings', 'INSERT INTO t (a) VALUES (?)')).toBe(statement);
    // The same text in another keyspace, or with none, is another statement.
    expect(m.getPreparedInfo('other', 'INSERT INTO t (a) VALUES (?)')).not.toBe(statement);
    expect(m.getPreparedInfo(undefined, 'INSERT INTO t (a) VALUES (?)')).not.toBe(statement);
  });

  it('forgets statements the driver drops past its limit, and all of them when cleared', () => {
    const m = metadata(2);
    const first = prepared(m.getPreparedInfo('ks', 'q1'), 1);
    prepared(m.getPreparedInfo('ks', 'q2'), 2);
    // A third statement pushes the oldest prepared one out: asked for again, it must be prepared anew.
    prepared(m.getPreparedInfo('ks', 'q3'), 3);
    const again = m.getPreparedInfo('ks', 'q1');
    expect(again).not.toBe(first);
    expect(again.queryId).toBeUndefined();

    const kept = m.getPreparedInfo('ks', 'q3');
    expect(kept.queryId).toEqual(Buffer.from([3]));
    m.clearPrepared();
    expect(m.getPreparedInfo('ks', 'q3').queryId).toBeUndefined();
  });
});
