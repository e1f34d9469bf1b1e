import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../stack/config.js';
import { cqlshConnectArgs, ensureCqlsh } from '../stack/install/cqlsh.js';
import { runCli } from './support/service.js';
import { eventually, paths, secrets } from './support/stack.js';

const run = promisify(execFile);

/** The statements of a CQL file, comments removed, each with the comment line that introduces it. */
function statementsOf(file: string): { title: string; cql: string }[] {
  const statements: { title: string; cql: string }[] = [];
  let title = '';
  let current: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('--')) {
      if (current.length === 0 && line.length > 3) title ||= line.slice(3);
      continue;
    }
    if (line.trim() === '') {
      if (current.length === 0) title = '';
      continue;
    }
    current.push(line);
    if (line.trimEnd().endsWith(';')) {
      statements.push({ title, cql: current.join('\n') });
      current = [];
      title = '';
    }
  }
  return statements;
}

const queries = statementsOf(path.join(REPO_ROOT, 'cassandra', 'queries.cql'));

// Needs the pipeline running on the native stack (npm test starts it), so the queries find rows.
describe('cassandra/queries.cql through cqlsh against the real Cassandra', () => {
  let cqlsh: string;
  let connect: string[];

  beforeAll(async () => {
    cqlsh = await ensureCqlsh(paths, () => {});
    connect = cqlshConnectArgs(paths, secrets);
    // The rollup query needs the batch job to have run for its station.
    const batch = await runCli('forecasting/cli.ts', [
      '--profile',
      'factory',
      '--station-prefix',
      'factory-native-1-s001',
      '--rollup-days',
      '1',
    ]);
    expect(batch.code, batch.output).toBe(0);
  }, 300_000);

  it('holds the queries users run', () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
  });

  it.each(queries)(
    '$title',
    async ({ cql }) => {
      // On a stack that has just started, the detector's first model version may still be coming.
      const rows = await eventually(
        `rows from ${cql}`,
        async () => {
          const { stdout } = await run(cqlsh, [...connect, '-e', cql], {
            timeout: 60_000,
          });
          const count = Number(/\((\d+) rows\)/.exec(stdout)?.[1] ?? 0);
          return count > 0 ? count : undefined;
        },
        120_000,
      );
      expect(rows).toBeGreaterThan(0);
    },
    150_000,
  );
});
