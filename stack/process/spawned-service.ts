import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { eventually } from '../../common/eventually.js';
import { REPO_ROOT } from '../config.js';

/**
 * How a sensorwatch service runs from source, in the native stack, the tests and the benchmarks alike:
 * node with tsx, the service's instrumentation first (so OpenTelemetry is in place before the service
 * loads), then its entry point. Compose runs the same two files compiled: `compiledServiceCommand`.
 */
export function serviceArgs(entry: string): string[] {
  return [
    '--import',
    'tsx',
    '--import',
    path.join(REPO_ROOT, path.dirname(entry), 'instrumentation.ts'),
    path.join(REPO_ROOT, entry),
  ];
}

/** The compose command of a service whose source entry is `entry` (e.g. detector/main.ts). */
export function compiledServiceCommand(entry: string): string[] {
  const js = (file: string) => `dist/${path.dirname(entry)}/${file}`;
  return ['node', '--import', `./${js('instrumentation.js')}`, js(`${path.basename(entry, '.ts')}.js`)];
}

/** A free TCP port on loopback, for a service's /metrics. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  readonly name: string;
  readonly metricsUrl: string;
  readonly process: ChildProcess;
  readonly log: string;
  /** Sends the signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a service's real entry point (e.g. detector/main.ts) as its own process, the way the stack does,
 * with `env` on top of this process's environment, on a free port; its output goes to `logDir`/`name`.log.
 * `nodeArgs` go to node itself (flags such as --cpu-prof that NODE_OPTIONS does not allow).
 */
export async function spawnService(
  logDir: string,
  name: string,
  entry: string,
  env: Record<string, string>,
  {
    portVar = 'METRICS_PORT',
    hostVar = 'METRICS_HOST',
    nodeArgs = [] as readonly string[],
  }: { portVar?: string; hostVar?: string; nodeArgs?: readonly string[] } = {},
): Promise<RunningService> {
  const port = await freePort();
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, ...serviceArgs(entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, [portVar]: String(port), [hostVar]: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const metricsUrl = `http://127.0.0.1:${port}`;
  await eventually(
    `${name} to be ready (log: ${log})`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${log}`);
      const response = await fetch(`${metricsUrl}/readyz`);
      return response.status === 200 ? true : undefined;
    },
    60_000,
  );
  return {
    name,
    metricsUrl,
    process: child,
    log,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
