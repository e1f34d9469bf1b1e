import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendCoalescer } from './send-coalescer.js';

describe('send coalescer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends what arrives within the linger time as one send, and resolves each caller with it', async () => {
    const sends: number[][] = [];
    const coalesce = createSendCoalescer<number>(
      async (items) => {
        sends.push(items);
      },
      { lingerMs: 20, maxItems: 100 },
    );
    const settled: string[] = [];
    const a = coalesce([1, 2]).then(() => settled.push('a'));
    await vi.advanceTimersByTimeAsync(10);
    const b = coalesce([3]).then(() => settled.push('b'));
    expect(sends).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all([a, b]);
    expect(sends).toEqual([[1, 2, 3]]);
    expect(settled).toEqual(['a', 'b']);

    // The next arrival starts a new linger.
    const c = coalesce([4]);
    await vi.advanceTimersByTimeAsync(20);
    await c;
    expect(sends).toEqual([[1, 2, 3], [4]]);
  });

  it('sends at once when maxItems are waiting, without waiting for the linger', async () => {
    const sends: number[][] = [];
    const coalesce = createSendCoalescer<number>(
      async (items) => {
        sends.push(items);
      },
      { lingerMs: 1_000, maxItems: 3 },
    );
    const first = coalesce([1, 2]);
    const second = coalesce([3, 4]);
    await Promise.all([first, second]);
    expect(sends).toEqual([[1, 2, 3, 4]]);
  });

  it('rejects every caller of a failed send, and later sends are unaffected', async () => {
    let fail = true;
    const coalesce = createSendCoalescer<number>(
      async () => {
        if (fail) throw new Error('broker gone');
      },
      { lingerMs: 5, maxItems: 100 },
    );
    const a = coalesce([1]);
    const b = coalesce([2]);
    const outcomes = Promise.allSettled([a, b]);
    await vi.advanceTimersByTimeAsync(5);
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);

    fail = false;
    const c = coalesce([3]);
    await vi.advanceTimersByTimeAsync(5);
    await expect(c).resolves.toBeUndefined();
  });

  it('resolves an empty call at once, without a send', async () => {
    const send = vi.fn(async () => {});
    const coalesce = createSendCoalescer<number>(send, { lingerMs: 5, maxItems: 10 });
    await coalesce([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(send).not.toHaveBeenCalled();
  });
});
