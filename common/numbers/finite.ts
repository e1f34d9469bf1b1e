/**
 * A number that is not finite (NaN, ±∞) is bad input everywhere: NaN compares unequal to itself, so a
 * sweep that groups equal values never advances, and ∞ turns into NaN at the next division or into null in
 * JSON. Readers of numbers from another module or a file check them here and fail with where it came from.
 */
export class NonFiniteNumberError extends Error {
  constructor(
    readonly where: string,
    readonly value: unknown,
  ) {
    super(`${where}: expected a finite number, got ${describe(value)}`);
    this.name = 'NonFiniteNumberError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** `value` if it is a finite number; otherwise throws naming `where` (a string, or a function that makes one). */
export function requireFinite(value: unknown, where: string | (() => string)): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new NonFiniteNumberError(typeof where === 'string' ? where : where(), value);
}

/** Checks every element; `where(i)` names the element (a file's row, a series' index). */
export function requireAllFinite(values: readonly unknown[], where: (index: number) => string): number[] {
  for (let i = 0; i < values.length; i++) requireFinite(values[i], () => where(i));
  return values as number[];
}
