import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../paths.js';
import type { StackSecrets } from '../secrets.js';
import { CASSANDRA, HOST } from '../topology.js';
import { ensurePipTool } from './pip-tool.js';

/** The PyPI release of cqlsh: the newest, which speaks to Cassandra 5 (it warns it was built against 5.0.0). */
export const CQLSH_VERSION = '6.2.2';

/** cqlsh from PyPI in a virtualenv under the stack's cache; installed on first use. Returns its path. */
export function ensureCqlsh(paths: StackPaths, log: (line: string) => void): Promise<string> {
  return ensurePipTool(
    paths,
    { pkg: 'cqlsh', version: CQLSH_VERSION, command: 'cqlsh', venv: 'cqlsh-venv' },
    log,
  );
}

/**
 * The arguments that connect cqlsh to the native stack's Cassandra, logged in through a credentials file
 * (mode 600, as cqlsh requires) rather than `-p`, which would show the password to `ps`.
 */
export function cqlshConnectArgs(paths: StackPaths, secrets: StackSecrets): string[] {
  const file = path.join(paths.conf('cqlsh'), 'credentials');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `[plain_text_auth]\nusername = ${secrets.CASSANDRA_USERNAME}\npassword = ${secrets.CASSANDRA_PASSWORD}\n`,
    { mode: 0o600 },
  );
  return [HOST, String(CASSANDRA.nativePort), '--credentials', file];
}
