import { z } from 'zod';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest range the count and summary routes accept: the history's retention (the tables' TTL). */
export const MAX_RANGE_MS = 90 * UNIT_MS.d;

/**
 * A look-back like `15m`, `4h` or `30d` (the earlier system's `time_range=1h`), as milliseconds. A longer
 * one is cut to the history's retention (90 days): the answer's `from` says where it started.
 */
export const timeRange = () =>
  z
    .string()
    .regex(/^[1-9]\d{0,4}[mhd]$/, { error: 'expected a number and a unit m, h or d, e.g. 15m, 4h or 30d' })
    .transform((text) =>
      Math.min(MAX_RANGE_MS, Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS]),
    );
