import { readFile } from 'node:fs/promises';
import type { Client } from 'cassandra-driver';
import { splitCqlStatements } from './cql-script.js';

/**
 * Applies a CQL script statement by statement. The script must be idempotent (IF NOT EXISTS everywhere);
 * this runs at every start. The driver waits for schema agreement after each DDL statement
 * (maxSchemaAgreementWaitSeconds), so each statement sees the ones before it.
 */
export async function applyCqlScript(client: Client, script: string): Promise<number> {
  const statements = splitCqlStatements(script);
  for (const statement of statements) {
    await client.execute(statement, [], { prepare: false });
  }
  return statements.length;
}

export async function applyCqlFile(client: Client, file: string): Promise<number> {
  return applyCqlScript(client, await readFile(file, 'utf8'));
}
