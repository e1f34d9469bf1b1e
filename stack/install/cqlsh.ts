import type { StackPaths } from '../paths.js';
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
