import { z } from 'zod';
import { profileNames } from '../../common/reading/profiles.js';

/** Query and path parameters several routes share, each with the message a wrong value gets. */

export const limitParam = (max: number, fallback: number) =>
  z.coerce
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'expected at least 1' })
    .max(max, { error: `expected at most ${max}` })
    .default(fallback)
    .describe(`How many to return, 1–${max}.`);

/** One of the configured profiles (config/profiles.yaml), listed in the OpenAPI document. */
export const profileParam = () =>
  z
    .enum(profileNames() as [string, ...string[]], {
      error: () => `expected one of ${profileNames().join(', ')}`,
    })
    .describe('A station profile (config/profiles.yaml).');

export const severityParam = () =>
  z.enum(['warning', 'critical'], { error: 'expected warning or critical' }).describe('Severity.');

export const stationIdParam = () =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,95}$/, {
      error: 'expected a station id: lower-case letters, digits, ".", "_" or "-", at most 96',
    })
    .describe('A station id.');

export const sensorParam = () =>
  z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, { error: 'expected a sensor name: lower-case letters, digits and "_"' })
    .describe('A sensor name.');

export const isoTime = () =>
  z.iso
    .datetime({ error: 'expected an ISO 8601 UTC timestamp, e.g. 2026-11-23T10:00:00Z' })
    .transform(Date.parse);

/**
 * A comma-separated list of `item`s, at most `max` (a Grafana multi-value variable as `${name:csv}`); a
 * single value is a list of one. A wrong item is named in the message when there are several.
 */
export const listParam = <T extends z.ZodType<string, string>>(item: T, max: number, what: string) =>
  z.string().transform((text, ctx) => {
    const items = text.split(',');
    if (items.length > max) {
      ctx.addIssue({ code: 'custom', message: `expected at most ${max} ${what}s` });
      return z.NEVER;
    }
    const parsed: Array<z.output<T>> = [];
    for (const value of items) {
      const result = item.safeParse(value);
      if (!result.success) {
        const message = result.error.issues[0]?.message ?? `expected a ${what}`;
        ctx.addIssue({
          code: 'custom',
          message: items.length > 1 ? `${JSON.stringify(value)}: ${message}` : message,
        });
        return z.NEVER;
      }
      parsed.push(result.data);
    }
    return parsed;
  });

/** Stations named by a multi-select, at most 20: a dashboard's choice, not the fleet. */
export const stationListParam = () =>
  listParam(stationIdParam(), 20, 'station').describe(
    "Station ids, comma-separated (at most 20), e.g. Grafana's ${station:csv}.",
  );

export const profileListParam = () =>
  listParam(profileParam(), 20, 'profile').describe(
    "Profiles, comma-separated, e.g. Grafana's ${profile:csv}.",
  );
