import { types } from 'cassandra-driver';

/**
 * The schema's time buckets, in one place: a reading's partition is its station and UTC day, an anomaly's
 * its UTC hour. Every range the storage reads is [from, to): `from` included, `to` not.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Start (ms) of the UTC day holding `ts`. */
export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/** The `day` partition key of a reading at `ts`. */
export function dayOf(ts: number): types.LocalDate {
  return types.LocalDate.fromDate(new Date(dayStart(ts)));
}

/** The `hour` partition key of an anomaly at `ts`. */
export function hourOf(ts: number): Date {
  return new Date(Math.floor(ts / HOUR_MS) * HOUR_MS);
}

/** Starts (ms) of the UTC days that [from, to) touches, oldest first; none for an empty range. */
export function daysOf(from: number, to: number): number[] {
  const days: number[] = [];
  if (to <= from) return days;
  for (let day = dayStart(from); day < to; day += DAY_MS) days.push(day);
  return days;
}
