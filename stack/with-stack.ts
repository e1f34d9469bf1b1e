import { spawn } from 'node:child_process';
import { runMain } from '../common/config/run-main.js';
import { loadStackConfig } from './config.js';
import { StackError } from './errors.js';
import { stackDown, stackUp } from './stack.js';

/**
 * `tsx stack/with-stack.ts [--pipeline] -- <command…>`: brings the native stack up (with `--pipeline`,
 * the producers, detector and exporter too) (reusing whatever is already
 * running), runs the command, then stops exactly the services this run started, whatever the outcome.
 * The test command runs through this in the "test" instance (SENSORWATCH_STACK_INSTANCE), so the tests'
 * data stays out of the stack of `npm start`, and CI leaves nothing behind.
 */
async function main(): Promise<void> {
  const separator = process.argv.indexOf('--');
  const [command, ...args] = separator === -1 ? [] : process.argv.slice(separator + 1);
  const pipeline = process.argv.slice(2, separator === -1 ? undefined : separator).includes('--pipeline');
  if (!command) throw new StackError('Usage: tsx stack/with-stack.ts [--pipeline] -- <command> [args…]');
  const config = loadStackConfig();
  const log = (line: string) => console.log(`[stack] ${line}`);

  let started: readonly string[] = [];
  try {
    ({ started } = await stackUp(config, log, { pipeline }));
  } catch (error) {
    console.error(error instanceof StackError ? `\n✗ ${error.describe()}` : error);
    process.exit(1);
  }

  let stopping = false;
  const stopStarted = async () => {
    if (stopping) return;
    stopping = true;
    if (started.length > 0) {
      log(`Stopping what this run started: ${started.join(', ')}`);
      await stackDown(config, log, started);
    }
  };

  const child = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  const code = await new Promise<number>((resolve) => {
    child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  await stopStarted();
  process.exit(code);
}

runMain(main);
