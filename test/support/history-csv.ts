import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../../common/random.js';
import { HOUR_MS, REFERENCE_TS, shiftToPresent } from './test-time.js';

const TEN_MINUTES = 600_000;

/**
 * A generic-layout CSV (`timestamp,value`) of ten-minute readings with a daily cycle and seeded noise,
 * `days` long, with two bad rows after line 99. The series is generated to end at the reference time and
 * shifted by whole hours to end at the start of the current hour: the rows' values, and so the hourly
 * rollups and the forecasts made from them, are the same whenever the test runs.
 * Returns the file and the (present) end (ms).
 */
export function writeDailyCycleCsv(name: string, days: number): { file: string; end: number } {
  const { shift, presentEnd: end } = shiftToPresent(REFERENCE_TS, HOUR_MS);
  const random = seededRandom(20260107);
  const lines = ['timestamp,value'];
  for (let t = REFERENCE_TS - days * 24 * HOUR_MS; t < REFERENCE_TS; t += TEN_MINUTES) {
    const hour = new Date(t).getUTCHours();
    const value = 100 + 30 * Math.sin((2 * Math.PI * hour) / 24) + random.gaussian();
    const at = new Date(t + shift);
    lines.push(`${at.toISOString().replace('T', ' ').slice(0, 19)},${value.toFixed(2)}`);
    if (lines.length === 100) lines.push('2026-13-45 00:00:00,1', `${at.toISOString()},not-a-number`);
  }
  const file = path.join(os.tmpdir(), `${name}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, end };
}
