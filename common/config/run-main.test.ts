import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const runMainUrl = pathToFileURL(path.join(import.meta.dirname, 'run-main.ts')).href;

/** Runs a tiny entry point through runMain in a child process; returns its exit code and stderr. */
function run(body: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'run-main-'));
  const file = path.join(dir, 'main.ts');
  writeFileSync(file, `import { runMain } from '${runMainUrl}';\nrunMain(async () => {\n${body}\n});\n`);
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('runMain', () => {
  it('exits 0 when the entry point finishes', () => {
    expect(run('await new Promise((resolve) => setTimeout(resolve, 10));').status).toBe(0);
  });

  it('fails an entry point left waiting on a promise nothing will settle, instead of exiting 0', () => {
    const result = run('await new Promise(() => {});');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Exited before finishing');
  });

  it('keeps the code of an explicit exit', () => {
    expect(run('process.exit(0);').status).toBe(0);
    expect(run('process.exit(3);').status).toBe(3);
  });
});
