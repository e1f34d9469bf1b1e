import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';

/** The PyPI release of cqlsh: the newest, which speaks to Cassandra 5 (it warns it was built against 5.0.0). */
export const CQLSH_VERSION = '6.2.2';

/** cqlsh from PyPI in a virtualenv under the stack's cache; installed on first use. Returns its path. */
export async function ensureCqlsh(paths: StackPaths, log: (line: string) => void): Promise<string> {
  const venv = path.join(paths.cache, 'cqlsh-venv');
  const cqlsh = path.join(venv, 'bin', 'cqlsh');
  if (existsSync(cqlsh)) return cqlsh;
  log('Installing cqlsh from PyPI…');
  await runCommandOrFail('Creating a Python virtualenv for cqlsh', 'python3', ['-m', 'venv', venv]);
  await runCommandOrFail('pip install cqlsh', path.join(venv, 'bin', 'pip'), [
    'install',
    '-q',
    `cqlsh==${CQLSH_VERSION}`,
  ]);
  return cqlsh;
}
