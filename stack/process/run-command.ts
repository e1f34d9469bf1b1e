import { spawn } from 'node:child_process';
import { StackError } from '../errors.js';

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command to completion and returns its exit code with stdout and stderr interleaved. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => reject(new StackError(`Cannot run ${command}: ${error.message}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Like runCommand, but a non-zero exit is an error that carries the last lines of output. */
export async function runCommandOrFail(
  description: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new StackError(`${description} failed (exit ${result.code})`, lastLines(result.output, 30));
  }
  return result.output;
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
