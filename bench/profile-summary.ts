/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [--top 25]`: where a V8 CPU profile's time went (the
 * detector's, from `npm run bench:pipeline -- --cpu-prof DIR`), by package or project folder and by
 * function, as shares of the busy samples (idle excluded). Self time only: what each frame itself ran.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { numberOption } from '../common/config/cli-options.js';
import { REPO_ROOT } from '../stack/config.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
}

/** Where a frame's code lives: an npm package, a folder of this project, Node itself, or V8's own work. */
export function placeOf(url: string, functionName: string, root = REPO_ROOT): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node';
  const path = url.replace(/^file:\/\//, '');
  // The compiled services (dist/scoring/…) count with their sources (scoring/…).
  if (path.startsWith(`${root}/`))
    return `project ${
      path
        .slice(root.length + 1)
        .replace(/^dist\//, '')
        .split('/')[0]
    }/`;
  return url;
}

/** Self-time shares of the busy samples, by place and by function, largest first. */
export function summarise(profile: CpuProfile): {
  busySamples: number;
  idleShare: number;
  byPlace: Array<[string, number]>;
  byFunction: Array<[string, number]>;
} {
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    busy += hits;
    const place = placeOf(url, functionName);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
    const name = `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`;
    byFunction.set(name.trim(), (byFunction.get(name.trim()) ?? 0) + hits);
  }
  const shares = (m: Map<string, number>) =>
    [...m].map(([k, v]) => [k, v / Math.max(busy, 1)] as [string, number]).sort((a, b) => b[1] - a[1]);
  return {
    busySamples: busy,
    idleShare: idle / Math.max(busy + idle, 1),
    byPlace: shares(byPlace),
    byFunction: shares(byFunction),
  };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N]');
  const top = numberOption('top', values.top, { min: 1, integer: true });
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  console.log(`${summary.busySamples} busy samples; idle ${pct(summary.idleShare)} of all`);
  console.log('\nby package or folder (self time, share of busy samples):');
  for (const [place, share] of summary.byPlace.slice(0, top)) console.log(`  ${pct(share)}  ${place}`);
  console.log('\nby function:');
  for (const [name, share] of summary.byFunction.slice(0, top)) console.log(`  ${pct(share)}  ${name}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
