import { z } from 'zod';

/**
 * One configuration key: the environment variable it is read from, its schema (which may carry a default),
 * and a line of documentation shown in errors and in `describeConfig`.
 */
export interface EnvKey<S extends z.ZodType = z.ZodType> {
  readonly env: string;
  readonly schema: S;
  readonly doc: string;
}

export type ConfigSpec = Readonly<Record<string, EnvKey>>;

export type ConfigOf<Spec extends ConfigSpec> = Readonly<{ [K in keyof Spec]: z.output<Spec[K]['schema']> }>;

/** Declares a key; kept as a function so specs read as a table. */
export function envKey<S extends z.ZodType>(env: string, schema: S, doc: string): EnvKey<S> {
  return { env, schema, doc };
}

/** Raised when one or more variables are invalid; `problems` names each variable with what is wrong. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads every key of `spec` from `env`, validating all of them before failing so one run shows every
 * mistake. An empty string counts as unset, so `FOO=` falls back to the default instead of becoming 0.
 * The result is frozen: configuration is read once, at start, and passed down.
 */
export function parseConfig<Spec extends ConfigSpec>(spec: Spec, env: NodeJS.ProcessEnv): ConfigOf<Spec> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, { env: name, schema, doc }] of Object.entries(spec)) {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? undefined : raw;
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      out[key] = parsed.data;
    } else {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      const shown = value === undefined ? 'it is not set' : `got ${JSON.stringify(value)}`;
      problems.push(`${name}: ${reason} (${shown}). ${doc}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<Spec>;
}

/** One line per key, for `--help` output and the README. */
/** Each key's variable, its default (or "required"), and its documentation: what `--help` prints. */
export function describeConfig(spec: ConfigSpec): string[] {
  return Object.values(spec).map(({ env, schema, doc }) => {
    const unset = schema.safeParse(undefined);
    const fallback = !unset.success
      ? 'required'
      : unset.data === undefined
        ? 'unset'
        : `default ${shown(unset.data)}`;
    return `  ${env} (${fallback})\n      ${doc}`;
  });
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/**
 * `--help` or `-h` among `argv`: prints the usage and every configuration key, then exits 0. Every
 * service and tool calls it first, so its keys are documented where it runs.
 */
export function answerHelp(argv: readonly string[], usage: string, spec: ConfigSpec): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  console.log(`${usage}\n\nConfiguration (environment variables):\n${describeConfig(spec).join('\n')}`);
  process.exit(0);
}

// Schemas for the shapes environment variables take. Each coerces from the string form.

export const intInRange = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected at least ${min}` })
    .max(max, { error: `expected at most ${max}` });

export const port = () => intInRange(1, 65_535);

export const boolean = () =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' }).transform((v) => {
    return v === 'true' || v === '1' || v === 'yes';
  });

/** A comma-separated list of non-empty items, e.g. `host1:9092,host2:9092`. */
export const list = () =>
  z
    .string()
    .transform((s) => s.split(',').map((item) => item.trim()))
    .refine((items) => items.every((item) => item.length > 0), { error: 'expected a comma-separated list' });

/** `host:port` pairs, as Kafka bootstrap servers are written. */
export const hostPortList = () =>
  list().refine((items) => items.every((item) => /^[^:\s]+:\d{1,5}$/.test(item)), {
    error: 'expected host:port[,host:port...]',
  });
