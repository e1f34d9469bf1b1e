import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';

/** The PyPI release of schemathesis that fuzzes the API from its OpenAPI document. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * schemathesis from PyPI in a virtualenv under the stack's cache (one per version, so a bump installs
 * afresh); installed on first use. Returns the path of its `st` command.
 */
export async function ensureSchemathesis(paths: StackPaths, log: (line: string) => void): Promise<string> {
  const venv = path.join(paths.cache, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = path.join(venv, 'bin', 'st');
  if (existsSync(st)) return st;
  log(`Installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI…`);
  await runCommandOrFail('Creating a Python virtualenv for schemathesis', 'python3', ['-m', 'venv', venv]);
  await runCommandOrFail('pip install schemathesis', path.join(venv, 'bin', 'pip'), [
    'install',
    '-q',
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  return st;
}
