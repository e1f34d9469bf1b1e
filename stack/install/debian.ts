import { existsSync } from 'node:fs';
import { StackError } from '../errors.js';
import { runCommand, runCommandOrFail } from '../process/run-command.js';

/** True when `command` is on the PATH. */
export async function hasCommand(command: string): Promise<boolean> {
  const result = await runCommand('sh', ['-c', `command -v ${command}`]);
  return result.code === 0;
}

/**
 * Installs Debian packages unless the commands (and files, such as a library) they provide are already
 * there. Uses sudo when not root; without either, explains what to run by hand.
 */
export async function ensureDebianPackages(
  packages: readonly string[],
  providedCommands: readonly string[],
  log: (line: string) => void,
  providedFiles: readonly string[] = [],
): Promise<void> {
  const present = await Promise.all(providedCommands.map(hasCommand));
  if (present.every(Boolean) && providedFiles.every((file) => existsSync(file))) return;

  const isRoot = process.getuid?.() === 0;
  const canSudo = !isRoot && (await runCommand('sudo', ['-n', 'true']).catch(() => ({ code: 1 }))).code === 0;
  if (!isRoot && !canSudo) {
    throw new StackError(
      `Missing ${[...providedCommands, ...providedFiles].join(', ')}. Install them with: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
  }
  const [command, ...baseArgs] = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`Installing ${packages.join(', ')} from Debian's packages…`);
  await runCommandOrFail('apt-get update', command, [...baseArgs, 'update', '-q'], { env });
  await runCommandOrFail(
    `apt-get install ${packages.join(' ')}`,
    command,
    [...baseArgs, 'install', '-y', '-q', '--no-install-recommends', ...packages],
    { env },
  );
}

/** Fails early, with the fix, when the Java runtime is missing or older than 17. */
export async function ensureJava17(): Promise<void> {
  const result = await runCommand('java', ['-version']).catch(() => ({ code: 127, output: '' }));
  const major = /version "(\d+)/.exec(result.output)?.[1];
  if (result.code !== 0 || !major) {
    throw new StackError(
      'Java 17 or newer is needed (java -version failed). Install openjdk-17-jre-headless.',
    );
  }
  if (Number(major) < 17) throw new StackError(`Java 17 or newer is needed; found Java ${major}.`);
  if (!(await hasCommand('mvn')))
    throw new StackError('Maven is needed to fetch Kafka and Cassandra: install maven.');
}
