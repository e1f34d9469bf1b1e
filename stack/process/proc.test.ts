import { describe, expect, it } from 'vitest';
import { parseStartTicks, processRssMb, processStartTicks } from './proc.js';

describe('parseStartTicks', () => {
  it.each([
    ['1234 (java) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 40 0 987654 3000000 2000', 987654],
    // A command name with spaces and a closing parenthesis must not shift the fields.
    ['99 (my (odd) name) R 1 99 99 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 100 10', 4242],
    ['garbage', undefined],
  ])('reads field 22 of %j', (stat, expected) => {
    expect(parseStartTicks(stat)).toBe(expected);
  });
});

describe('live /proc', () => {
  it('identifies this process and reports its memory', () => {
    expect(processStartTicks(process.pid)).toBeGreaterThan(0);
    expect(processRssMb(process.pid)).toBeGreaterThan(10);
  });

  it('knows nothing of a pid that does not exist', () => {
    expect(processStartTicks(2 ** 22 + 1)).toBeUndefined();
    expect(processRssMb(2 ** 22 + 1)).toBeUndefined();
  });
});
