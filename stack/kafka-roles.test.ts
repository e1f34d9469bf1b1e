import { describe, expect, it } from 'vitest';
import { javaStringHash } from './kafka-roles.js';

describe('javaStringHash', () => {
  it("is Java's String.hashCode, overflow and all", () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99_162_322);
    // Two strings with the same hash, and one whose hash is the least int (made non-negative, it is 0).
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
    expect(javaStringHash('polygenelubricants')).toBe(-2_147_483_648);
    expect(javaStringHash('polygenelubricants') & 0x7fffffff).toBe(0);
  });
});
