import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';

/** The k6 release built for the load tests. */
export const K6_VERSION = 'v1.8.1';

/**
 * k6 built from source with `go install` into the stack's cache on first use (a few minutes on two
 * cores; the Go module cache keeps the sources for rebuilds). Returns the binary's path.
 */
export async function ensureK6(paths: StackPaths, log: (line: string) => void): Promise<string> {
  const bin = path.join(paths.cache, 'k6', K6_VERSION, 'bin');
  const k6 = path.join(bin, 'k6');
  if (existsSync(k6)) return k6;
  log(`Building k6 ${K6_VERSION} with go install (first use only; a few minutes)…`);
  await runCommandOrFail(
    `go install go.k6.io/k6@${K6_VERSION}`,
    'go',
    ['install', `go.k6.io/k6@${K6_VERSION}`],
    {
      env: { ...process.env, GOBIN: bin, CGO_ENABLED: '0' },
    },
  );
  return k6;
}
