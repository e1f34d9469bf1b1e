import { describe, expect, it } from 'vitest';
import { NonFiniteNumberError, requireAllFinite, requireFinite } from './finite.js';

describe('requireFinite', () => {
  it('returns a finite number unchanged', () => {
    expect(requireFinite(-2.5, 'x')).toBe(-2.5);
    expect(requireFinite(0, 'x')).toBe(0);
  });

  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    ['3', '"3"'],
    [null, 'null'],
    [undefined, 'undefined'],
  ])('rejects %s, naming where it came from', (value, shown) => {
    expect(() => requireFinite(value, 'series.csv row 12')).toThrow(
      new NonFiniteNumberError('series.csv row 12', value),
    );
    expect(() => requireFinite(value, () => 'made lazily')).toThrow(
      `made lazily: expected a finite number, got ${shown}`,
    );
  });

  it('names the first bad element of a list', () => {
    expect(requireAllFinite([1, 2, 3], (i) => `row ${i}`)).toEqual([1, 2, 3]);
    expect(() => requireAllFinite([1, Number.NaN, Number.POSITIVE_INFINITY], (i) => `row ${i}`)).toThrow(
      'row 1: expected a finite number, got NaN',
    );
  });
});
