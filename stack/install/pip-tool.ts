import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';

/**
 * A command-line tool from PyPI in its own virtualenv under the stack's cache (`venv`, named by the
 * caller), installed on first use and reused after. Returns the path of its `command`.
 */
export async function ensurePipTool(
  paths: StackPaths,
  tool: { readonly pkg: string; readonly version: string; readonly command: string; readonly venv: string },
  log: (line: string) => void,
): Promise<string> {
  const venv = path.join(paths.cache, tool.venv);
  const command = path.join(venv, 'bin', tool.command);
  if (existsSync(command)) return command;
  log(`Installing ${tool.pkg} ${tool.version} from PyPI…`);
  await runCommandOrFail(`Creating a Python virtualenv for ${tool.pkg}`, 'python3', ['-m', 'venv', venv]);
  await runCommandOrFail(`pip install ${tool.pkg}`, path.join(venv, 'bin', 'pip'), [
    'install',
    '-q',
    `${tool.pkg}==${tool.version}`,
  ]);
  return command;
}
