import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSchemathesis } from '../../stack/install/schemathesis.js';
import { startService } from '../support/service.js';
import { paths, uniqueName } from '../support/stack.js';
import { report } from './support/scenario.js';

/** Runs a command to completion, its output streamed to the test's output and kept. */
function run(command: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('fault: the API fuzzed from its OpenAPI document', () => {
  it('when schemathesis sends every operation generated and mutated requests, then no answer is a 5xx', async () => {
    const st = await ensureSchemathesis(paths, (line) => console.log(line));
    // Admin routes are on (a token exists) but the fuzzer does not hold it: they must refuse, not fail.
    const exporter = await startService(
      uniqueName('exporter-fuzz'),
      'exporter/main.ts',
      {
        EXPORTER_GROUP_ID: uniqueName('faults.exporter'),
        EXPORTER_ADMIN_TOKEN: randomBytes(24).toString('hex'),
        EXPORTER_RATE_LIMIT_PER_S: '100000',
        EXPORTER_RATE_LIMIT_BURST: '100000',
      },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
    const reportDir = path.join(paths.logs, 'tests', 'schemathesis');
    mkdirSync(reportDir, { recursive: true });
    try {
      const { code, output } = await run(st, [
        'run',
        `${exporter.metricsUrl}/api/openapi.json`,
        '--checks',
        'not_a_server_error',
        // Examples from the document, its boundary values and then fuzzed requests; the stateful phase
        // (chained calls) would retrain models again and again, minutes each.
        '--phases',
        'examples,coverage,fuzzing',
        '--max-examples',
        '20',
        '--seed',
        '20261123',
        '--request-timeout',
        '20',
        '--report',
        'junit',
        '--report-dir',
        reportDir,
      ]);
      const summary = output
        .split('\n')
        .filter((line) => /passed|failed|errored|operations|test cases/i.test(line));
      report('api-fuzz', { exitCode: code, summary: summary.slice(-6) });
      expect(output).not.toMatch(/Server error/i);
      expect(code, output.slice(-4000)).toBe(0);
    } finally {
      await exporter.stop();
    }
  });
});
