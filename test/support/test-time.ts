import type { Reading } from '../../common/reading/reading.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * The instant every test's data is generated at: a Wednesday, 10:00 UTC. Test data is a function of this
 * fixed time (and of fixed seeds), never of the clock; a test that needs recent timestamps shifts the
 * generated data to the present with `shiftToPresent`, so the values are the same at whatever hour it runs
 * and only their timestamps move. The simulator's seasons read the hour and weekday of a timestamp, so
 * generating at "now" would give a different signal at 10:35 than at 23:59 or on a Sunday.
 */
export const REFERENCE_TS = Date.parse('2026-01-07T10:00:00Z');

/**
 * The shift that moves data generated to end at `referenceEnd` so that it ends at `presentEnd`.
 * With `unitMs` (an hour, say) the present end is rounded down to that unit and the shift is a whole
 * number of them, so hourly buckets of the shifted data hold exactly the rows they held at the reference.
 */
export function shiftToPresent(
  referenceEnd: number,
  unitMs = 1,
  now = Date.now(),
): { readonly shift: number; readonly presentEnd: number } {
  if (referenceEnd % unitMs !== 0)
    throw new Error(`the reference end must be a whole number of ${unitMs} ms`);
  const presentEnd = Math.floor(now / unitMs) * unitMs;
  return { shift: presentEnd - referenceEnd, presentEnd };
}

/** The same reading, `shift` ms later. */
export function shifted(reading: Reading, shift: number): Reading {
  return { ...reading, ts: new Date(Date.parse(reading.ts) + shift).toISOString() };
}

/** The UTC days (YYYY-MM-DD) that [from, to] touches: a range read by day partition must read each. */
export function daysSpanned(from: number, to: number): string[] {
  const days: string[] = [];
  for (let day = Math.floor(from / DAY_MS); day <= Math.floor(to / DAY_MS); day++) {
    days.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
  }
  return days;
}
