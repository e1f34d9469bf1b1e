import { describe, expect, it } from 'vitest';
import { cachedFor, TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('when a URL is asked again within its TTL, then the answer is reused; after it, computed again', async () => {
    const cache = new TtlCache<string, { status: number; json: string }>();
    let computed = 0;
    const compute = async () => ({ status: 200, json: String(++computed) });
    const [a, b] = await Promise.all([cache.get('/x', 1000, 0, compute), cache.get('/x', 1000, 10, compute)]);
    expect([a.json, b.json, computed]).toEqual(['1', '1', 1]);
    expect((await cache.get('/x', 1000, 1_000, compute)).json).toBe('2');
  });

  it('when a computation fails, then it is not kept; and the least recently used entry goes first', async () => {
    const cache = new TtlCache<string, { status: number; json: string }>(2);
    await expect(cache.get('/bad', 1000, 0, async () => Promise.reject(new Error('down')))).rejects.toThrow();
    expect(cache.size).toBe(0);
    const ok = async () => ({ status: 200, json: '{}' });
    await cache.get('/a', 1000, 0, ok);
    await cache.get('/b', 1000, 0, ok);
    await cache.get('/a', 1000, 1, ok);
    await cache.get('/c', 1000, 2, ok);
    let recomputed = false;
    await cache.get('/b', 1000, 3, async () => {
      recomputed = true;
      return { status: 200, json: '{}' };
    });
    expect(recomputed).toBe(true);
  });

  it('when one value is cached for a while, then calls within it share one load, and a failed load is retried', async () => {
    let clock = 0;
    let loads = 0;
    let fail = true;
    const value = cachedFor(
      100,
      async () => {
        loads += 1;
        if (fail) throw new Error('down');
        return loads;
      },
      () => clock,
    );
    await expect(value()).rejects.toThrow('down');
    fail = false;
    expect(await Promise.all([value(), value()])).toEqual([2, 2]);
    clock = 99;
    expect(await value()).toBe(2);
    clock = 100;
    expect(await value()).toBe(3);
  });
});
