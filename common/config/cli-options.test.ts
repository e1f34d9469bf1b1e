import { describe, expect, it } from 'vitest';
import { nameListOption, numberListOption, numberOption } from './cli-options.js';
import { ConfigError } from './env.js';

describe('numberOption', () => {
  it('reads a finite number within its bounds', () => {
    expect(numberOption('days', '2.5', { min: 0 })).toBe(2.5);
    expect(numberOption('stations', '10', { min: 1, integer: true })).toBe(10);
  });

  it.each([
    ['abc', 'expected a number of at least 0 (got "abc")'],
    ['', 'expected a number of at least 0 (got "")'],
    ['NaN', 'expected a number of at least 0'],
    ['Infinity', 'expected a number of at least 0'],
    ['-1', 'expected a number of at least 0 (got "-1")'],
  ])('rejects "%s" naming the option', (text, message) => {
    expect(() => numberOption('days', text, { min: 0 })).toThrow(ConfigError);
    expect(() => numberOption('days', text, { min: 0 })).toThrow(`--days: ${message}`);
  });

  it('rejects a fraction where a whole number is wanted, and checks every item of a list', () => {
    expect(() => numberOption('stations', '2.5', { integer: true })).toThrow('expected a whole number');
    expect(numberListOption('rates', '1000,2000', { min: 1 })).toEqual([1000, 2000]);
    expect(() => numberListOption('rates', '1000,,2000', { min: 1 })).toThrow('--rates: expected a number');
  });

  it('reads a list of known names, and names the ones it knows when given another', () => {
    const known = ['g1', 'zgc'] as const;
    expect(nameListOption('gcs', 'g1, zgc', known)).toEqual(['g1', 'zgc']);
    expect(() => nameListOption('gcs', 'g1,shenandoah', known)).toThrow(
      '--gcs: expected names among g1, zgc (got "shenandoah")',
    );
    expect(() => nameListOption('gcs', '', known)).toThrow('--gcs: expected names among g1, zgc (got "")');
  });
});
