import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/env.js';
import { findUp } from '../config/find-up.js';

/**
 * Station profiles: which sensors a kind of station has, their units, their normal behaviour (used by
 * the simulator), the physical range a reading must fall in to be accepted at all (used by the
 * validator) and the threshold rules of each profile (used by the detector). They are configuration:
 * `config/profiles.yaml`, or the file SENSORWATCH_PROFILES_FILE names.
 */

const hour = z.number().min(0).max(24);

const seasonSchema = z.discriminatedUnion('shape', [
  z.strictObject({ shape: z.literal('daily'), amplitude: z.number().min(0), peakHour: hour }),
  z.strictObject({
    shape: z.literal('working_hours'),
    amplitude: z.number().min(0),
    startHour: hour,
    endHour: hour,
  }),
  z.strictObject({ shape: z.literal('daylight'), sunriseHour: hour, sunsetHour: hour }),
  z.strictObject({
    shape: z.literal('square'),
    amplitude: z.number().min(0),
    periodMinutes: z.number().positive(),
    onShare: z.number().gt(0).lt(1),
  }),
]);

/** The awkward shapes of real sensors, each with its own per-family figures in the quality benchmark. */
export const SENSOR_FAMILIES = [
  'flat_quantised',
  'idle_mostly',
  'clipped',
  'noise_free_periodic',
  'square_wave',
  'counts_poisson',
  'counts_heavy_tailed',
] as const;

const sensorSchema = z
  .strictObject({
    unit: z.string(),
    mean: z.number(),
    stdDev: z.number().positive(),
    validRange: z.tuple([z.number(), z.number()]),
    season: seasonSchema.optional(),
    walk: z
      .strictObject({
        reversionPerHour: z.number().positive().default(6),
        momentum: z.number().min(0).max(0.9).default(0),
      })
      .default({ reversionPerHour: 6, momentum: 0 }),
    driftPerDay: z.number().default(0.1),
    intermittent: z.boolean().default(false),
    noise: z.number().min(0).default(1),
    resolution: z.number().positive().optional(),
    idle: z
      .strictObject({ activeShare: z.number().gt(0).lt(1), burstReadings: z.number().min(1) })
      .optional(),
    counts: z.strictObject({ dispersion: z.number().positive().optional() }).optional(),
    family: z.enum(SENSOR_FAMILIES).optional(),
  })
  .refine((s) => s.validRange[0] < s.validRange[1], {
    error: 'validRange must be [min, max] with min < max',
  });

const ruleSchema = z
  .strictObject({
    sensor: z.string(),
    severity: z.enum(['warning', 'critical']),
    above: z.number().optional(),
    clearBelow: z.number().optional(),
    below: z.number().optional(),
    clearAbove: z.number().optional(),
    forReadings: z.number().int().min(1).default(1),
    message: z.string(),
  })
  .refine((r) => (r.above === undefined) !== (r.below === undefined), {
    error: 'a rule has exactly one of `above` or `below`',
  })
  .refine((r) => r.above === undefined || r.clearBelow === undefined || r.clearBelow <= r.above, {
    error: 'clearBelow must not be above `above` (hysteresis clears lower than it fires)',
  })
  .refine((r) => r.below === undefined || r.clearAbove === undefined || r.clearAbove >= r.below, {
    error: 'clearAbove must not be below `below`',
  });

const profileSchema = z
  .strictObject({
    description: z.string(),
    sensors: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,47}$/), sensorSchema),
    rules: z.array(ruleSchema).default([]),
  })
  .refine((p) => p.rules.every((r) => Object.hasOwn(p.sensors, r.sensor)), {
    error: 'every rule must name a sensor of its profile',
  });

const catalogSchema = z.strictObject({
  profiles: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), profileSchema),
});

export type SensorSpec = z.output<typeof sensorSchema>;
export type SeasonSpec = z.output<typeof seasonSchema>;
export type RuleSpec = z.output<typeof ruleSchema>;
export type ProfileSpec = z.output<typeof profileSchema>;
export type ProfileCatalog = Readonly<Record<string, ProfileSpec>>;
export type ProfileName = string;

/** The repository's config/profiles.yaml, found from the sources and from the compiled dist/ alike. */
const DEFAULT_PROFILES_FILE =
  findUp('config/profiles.yaml', path.dirname(fileURLToPath(import.meta.url))) ?? 'config/profiles.yaml';

/** Parses and checks a profiles document; a mistake becomes a ConfigError naming the entry's path. */
export function parseProfiles(text: string, source: string): ProfileCatalog {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${source}: not valid YAML: ${(error as Error).message}`]);
  }
  const parsed = catalogSchema.safeParse(document);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${source}: ${issue.path.join('.') || '(top)'}: ${issue.message}`),
    );
  }
  return parsed.data.profiles;
}

let loaded: ProfileCatalog | undefined;

/** The profiles in force: read once, from SENSORWATCH_PROFILES_FILE or the repository's default file. */
export function profiles(): ProfileCatalog {
  if (!loaded) {
    const file = process.env.SENSORWATCH_PROFILES_FILE || DEFAULT_PROFILES_FILE;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([
        `SENSORWATCH_PROFILES_FILE: cannot read ${file}: ${(error as Error).message}. The station profiles file.`,
      ]);
    }
    loaded = parseProfiles(text, file);
  }
  return loaded;
}

export function profileNames(): string[] {
  return Object.keys(profiles());
}

export function isProfileName(name: string): boolean {
  return Object.hasOwn(profiles(), name);
}

export function profileOf(name: ProfileName): ProfileSpec {
  const profile = profiles()[name];
  if (!profile) throw new Error(`unknown profile "${name}"`);
  return profile;
}

export function sensorsOf(profile: ProfileName): readonly string[] {
  return Object.keys(profileOf(profile).sensors);
}
