import { describe, expect, it } from 'vitest';
import { waitUntilReady } from './readiness.js';

describe('waitUntilReady', () => {
  it('gives up on a probe that never answers, attempt by attempt, and fails at the deadline', async () => {
    let attempts = 0;
    const never = () => {
      attempts += 1;
      return new Promise<never>(() => {});
    };
    const deadline = Date.now() + 300;
    await expect(waitUntilReady('silent', never, { deadline, attemptMs: 100 })).rejects.toThrow(
      /silent was not ready in time \(last check: no answer within 100 ms\)/,
    );
    expect(attempts).toBeGreaterThanOrEqual(2);
  });

  it('returns once the probe answers', async () => {
    let calls = 0;
    const probe = async () => {
      calls += 1;
      if (calls < 2) throw new Error('not yet');
    };
    await waitUntilReady('eventually', probe, { deadline: Date.now() + 5_000 });
    expect(calls).toBe(2);
  });
});
