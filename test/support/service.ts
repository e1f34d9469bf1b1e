import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseMetrics, sumOf } from '../../common/telemetry/metrics-text.js';
import { REPO_ROOT } from '../../stack/config.js';
import { freePort, type RunningService, spawnService } from '../../stack/process/spawned-service.js';
import { paths } from './stack.js';

export { freePort, type RunningService };

/**
 * Runs a service's real entry point (e.g. detector/main.ts) as its own process, the way the stack does,
 * with `env` on top of the test's environment; its output goes to a log file under .stack/logs/tests.
 */
export function startService(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: Parameters<typeof spawnService>[4] = {},
): Promise<RunningService> {
  return spawnService(path.join(paths.logs, 'tests'), name, entry, env, options);
}

/**
 * The sum of a metric's samples in Prometheus text format whose labels include `labels`
 * (e.g. metricValue(text, 'sensorwatch_readings_dead_lettered_total', { code: 'not_json' })). A metric
 * with no such sample is an error, not a 0: a test must not pass because a series went missing.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const samples = parseMetrics(text);
  const matching = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matching.length === 0) {
    throw new Error(`no sample of ${name}${JSON.stringify(labels)} in the scraped metrics`);
  }
  return sumOf(matching, name);
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
