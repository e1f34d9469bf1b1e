import type { StackPaths } from '../paths.js';
import { ensurePipTool } from './pip-tool.js';

/** The PyPI release of schemathesis that fuzzes the API from its OpenAPI document. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** schemathesis from PyPI (one virtualenv per version, so a bump installs afresh). Returns its `st`. */
export function ensureSchemathesis(paths: StackPaths, log: (line: string) => void): Promise<string> {
  return ensurePipTool(
    paths,
    {
      pkg: 'schemathesis',
      version: SCHEMATHESIS_VERSION,
      command: 'st',
      venv: `schemathesis-${SCHEMATHESIS_VERSION}`,
    },
    log,
  );
}
