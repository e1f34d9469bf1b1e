import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOUR_MS = 3_600_000;

/**
 * A generic-layout CSV (`timestamp,value`) of ten-minute readings with a daily cycle and some noise,
 * `days` long and ending at the start of the current hour, with two bad rows after line 99.
 * Returns the file and the end (ms).
 */
export function writeDailyCycleCsv(name: string, days: number): { file: string; end: number } {
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const lines = ['timestamp,value'];
  for (let t = end - days * 24 * HOUR_MS; t < end; t += 600_000) {
    const hour = new Date(t).getUTCHours();
    const noise = Math.sin(t / 7_777_777) * 2 + Math.cos(t / 1_234_567);
    const value = 100 + 30 * Math.sin((2 * Math.PI * hour) / 24) + noise;
    lines.push(`${new Date(t).toISOString().replace('T', ' ').slice(0, 19)},${value.toFixed(2)}`);
    if (lines.length === 100)
      lines.push('2026-13-45 00:00:00,1', `${new Date(t).toISOString()},not-a-number`);
  }
  const file = path.join(os.tmpdir(), `${name}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, end };
}
