import { ConfigError } from './env.js';

/**
 * A command-line option's number: finite, at least `min`, whole if asked. `Number('')` is 0 and
 * `Number('abc')` is NaN, so a plain `Number(args.x)` lets a typo through as a silent 0 or a NaN that
 * poisons every figure after it.
 */
export function numberOption(
  name: string,
  text: string | undefined,
  { min = Number.NEGATIVE_INFINITY, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  const wanted = `${integer ? 'a whole number' : 'a number'}${min > Number.NEGATIVE_INFINITY ? ` of at least ${min}` : ''}`;
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new ConfigError([`--${name}: expected ${wanted} (got "${text ?? ''}")`]);
  }
  return value;
}

/** A comma-separated list of numbers, each checked as `numberOption` checks one. */
export function numberListOption(
  name: string,
  text: string,
  options: { min?: number; integer?: boolean } = {},
): number[] {
  return text.split(',').map((item) => numberOption(name, item, options));
}

/** A comma-separated list of names, each one of `known` (spaces around a name are ignored). */
export function nameListOption<T extends string>(name: string, text: string, known: readonly T[]): T[] {
  return text.split(',').map((item) => {
    const trimmed = item.trim();
    if (!(known as readonly string[]).includes(trimmed)) {
      throw new ConfigError([`--${name}: expected names among ${known.join(', ')} (got "${trimmed}")`]);
    }
    return trimmed as T;
  });
}
