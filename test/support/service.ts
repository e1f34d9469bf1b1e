import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../../stack/config.js';
import { eventually, paths } from './stack.js';

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
 * with `env` on top of the test's environment; its output goes to a log file under .stack/logs/tests.
 * `nodeArgs` go to node itself (flags such as --cpu-prof that NODE_OPTIONS does not allow).
 */
export async function startService(
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
  const logDir = path.join(paths.logs, 'tests');
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const instrumentation = path.join(REPO_ROOT, path.dirname(entry), 'instrumentation.ts');
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--import', instrumentation, path.join(REPO_ROOT, entry)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, [portVar]: String(port), [hostVar]: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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

/**
 * The sum of a metric's samples in Prometheus text format whose labels include `labels`
 * (e.g. metricValue(text, 'sensorwatch_readings_dead_lettered_total', { code: 'not_json' })).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const sampleLabels = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => sampleLabels[k] === v)) sum += Number(match[4]);
  }
  return sum;
}

export async function scrape(service: RunningService): Promise<string> {
  return (await fetch(`${service.metricsUrl}/metrics`)).text();
}

/** Runs a command-line entry point (e.g. detector/train.ts) to completion; its exit code and output. */
export async function runCli(
  entry: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, output };
}
