import { describe, expect, it } from 'vitest';
import { retryWithBackoff } from './retry.js';

class Permanent extends Error {}

/** An attempt that fails with each of `failures` in turn, then returns 'done'. */
function failing(...failures: Error[]) {
  let calls = 0;
  return {
    attempt: async () => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('retryWithBackoff', () => {
  const waits: number[] = [];
  const options = {
    initialMs: 100,
    maxMs: 350,
    isRetriable: (error: unknown) => !(error instanceof Permanent),
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };

  it('retries failures that may pass, doubling the wait up to its cap, until the attempt succeeds', async () => {
    waits.length = 0;
    const told: number[] = [];
    const run = failing(new Error('a'), new Error('b'), new Error('c'), new Error('d'));
    await expect(
      retryWithBackoff(run.attempt, { ...options, onRetry: (_error, ms) => told.push(ms) }),
    ).resolves.toBe('done');
    expect(run.calls()).toBe(5);
    expect(waits).toEqual([100, 200, 350, 350]);
    expect(told).toEqual(waits);
  });

  it('throws a failure that will not pass at once, without waiting', async () => {
    waits.length = 0;
    const run = failing(new Error('timeout'), new Permanent('syntax error'));
    await expect(retryWithBackoff(run.attempt, options)).rejects.toThrow('syntax error');
    expect(run.calls()).toBe(2);
    expect(waits).toEqual([100]);
  });

  it('stops when the hook before an attempt throws (the caller is shutting down)', async () => {
    const run = failing(new Error('a'), new Error('b'));
    await expect(
      retryWithBackoff(run.attempt, {
        ...options,
        beforeAttempt: () => {
          throw new Error('stopping');
        },
      }),
    ).rejects.toThrow('stopping');
    expect(run.calls()).toBe(1);
  });
});
