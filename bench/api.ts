/**
 * `npm run bench:api [-- load|smoke|stress]`: runs a k6 script (k6/) against the running stack's API,
 * building k6 first if needed, prints k6's summary and writes it as JSON to bench/out/api.json
 * (bench/out/api-<script>.json for smoke and stress). Start the stack first: `npm start`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runMain } from '../common/config/run-main.js';
import { loadStackConfig, REPO_ROOT } from '../stack/config.js';
import { ensureK6 } from '../stack/install/k6.js';
import { pathsOf } from '../stack/paths.js';
import { HOST, PIPELINE } from '../stack/topology.js';

const SCRIPTS = ['load', 'smoke', 'stress'] as const;

async function main(): Promise<void> {
  const script = process.argv[2] ?? 'load';
  if (!SCRIPTS.includes(script as (typeof SCRIPTS)[number])) {
    console.error(`usage: npm run bench:api [-- ${SCRIPTS.join('|')}]`);
    process.exitCode = 2;
    return;
  }
  const api = process.env.SENSORWATCH_API ?? `http://${HOST}:${PIPELINE.exporter.port}`;
  const ready = await fetch(`${api}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
  if (!ready) {
    console.error(
      `The API at ${api} is not ready: start the stack with \`npm start\` (or set SENSORWATCH_API).`,
    );
    process.exitCode = 1;
    return;
  }
  const k6 = await ensureK6(pathsOf(loadStackConfig()), (line) => console.log(line));
  const outDir = path.join(REPO_ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const summary = path.join(outDir, script === 'load' ? 'api.json' : `api-${script}.json`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      k6,
      [
        'run',
        '--summary-export',
        summary,
        '-e',
        `SENSORWATCH_API=${api}`,
        path.join(REPO_ROOT, 'k6', `${script}.js`),
      ],
      { stdio: 'inherit' },
    );
    child.once('exit', resolve);
  });
  console.log(`k6 summary written to ${path.relative(REPO_ROOT, summary)}`);
  // k6 exits 99 when a threshold fails: the benchmark's verdict.
  process.exitCode = code ?? 1;
}

runMain(main);
