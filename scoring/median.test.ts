import { describe, expect, it } from 'vitest';
import { medianOf } from './median.js';

describe('medianOf', () => {
  it('takes the middle of the first n values, or the mean of the middle two, into scratch or in place', () => {
    const values = Float64Array.from([5, 1, 4, 2, 3, 99]);
    expect(medianOf(values, 5, new Float64Array(6))).toBe(3);
    expect(medianOf(values, 4, new Float64Array(6))).toBe(3);
    expect(values[0]).toBe(5);
    expect(medianOf(values, 6, values)).toBe(3.5);
    expect(Array.from(values)).toEqual([1, 2, 3, 4, 5, 99]);
  });
});
