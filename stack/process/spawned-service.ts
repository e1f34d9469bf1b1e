import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { eventually } from '../../common/eventually.js';
import { REPO_ROOT } from '../config.js';

/**
 * How a sensorwatch service runs from source, in the tests and the benchmarks: node with tsx, the
 * service's instrumentation first (so OpenTelemetry is in place before the service loads), then its entry
 * point. The native stack and compose run the same two files compiled: `compiledServiceArgs`.
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

/**
 * Node's arguments for the compiled service whose source entry is `entry` (e.g. detector/main.ts), paths
 * relative to the repository (or the image's /app). Compiled, a service runs without tsx's loader thread
 * and its transpiled sources: the detector's RSS is 20–40 MB smaller (docs/benchmarks.md).
 */
export function compiledServiceArgs(entry: string): string[] {
  const js = (file: string) => `dist/${path.dirname(entry)}/${file}`;
  return ['--import', `./${js('instrumentation.js')}`, js(`${path.basename(entry, '.ts')}.js`)];
}

/** The compose command of a service whose source entry is `entry`. */
export function compiledServiceCommand(entry: string): string[] {
  return ['node', ...compiledServiceArgs(entry)];
}

let build: Promise<void> | undefined;

/**
 * Compiles the services into dist/ as the image does (`tsc -p tsconfig.build.json`), once per process
 * however many services ask: a few seconds, and what runs is always the sources as they are.
 */
export function buildServices(): Promise<void> {
  build ??= new Promise<void>((resolve, reject) => {
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.build.json exited with ${code}`)),
    );
  });
  return build;
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
    compiled = false,
    root = REPO_ROOT,
  }: {
    portVar?: string;
    hostVar?: string;
    nodeArgs?: readonly string[];
    /** Run dist/'s compiled JavaScript (see `buildServices`) rather than the source under tsx. */
    compiled?: boolean;
    /**
     * The checkout whose compiled dist/ runs (with `compiled`): another build of sensorwatch, for a
     * benchmark that compares two builds side by side. This repository by default.
     */
    root?: string;
  } = {},
): Promise<RunningService> {
  const port = await freePort();
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  if (root !== REPO_ROOT && !compiled) throw new Error(`${name}: another checkout runs compiled only`);
  const entryArgs = compiled ? compiledServiceArgs(entry) : serviceArgs(entry);
  const child = spawn(process.execPath, [...nodeArgs, ...entryArgs], {
    cwd: root,
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
