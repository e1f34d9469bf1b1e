import type { RequestHandler } from 'express';

export interface RateLimitOptions {
  /** Sustained requests per second allowed to one client. */
  readonly perSecond: number;
  /** Requests a client may make at once after being idle. */
  readonly burst: number;
  /** Clients remembered at most; the idlest are forgotten first (a forgotten client starts with a full bucket). */
  readonly maxClients: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client: each client earns `perSecond` tokens a second up to `burst`, and a request
 * spends one. Pure, with the clock passed in, so it is unit-tested without waiting.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions) {}

  /** Takes a token for `client`; returns 0 when allowed, else the seconds until one is available. */
  take(client: string, now: number): { allowed: boolean; remaining: number; retryAfterS: number } {
    const { perSecond, burst } = this.options;
    let bucket = this.buckets.get(client);
    if (bucket) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.buckets.delete(client);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: burst, updatedAt: now };
      if (this.buckets.size >= this.options.maxClients) {
        const idlest = this.buckets.keys().next().value;
        if (idlest !== undefined) this.buckets.delete(idlest);
      }
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterS: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterS: Math.ceil((1 - bucket.tokens) / perSecond) };
  }

  get clients(): number {
    return this.buckets.size;
  }
}

/** Express middleware over TokenBuckets, keyed by the client's address; a refusal is a JSON 429. */
export function rateLimit(options: RateLimitOptions, now = () => Date.now()): RequestHandler {
  const buckets = new TokenBuckets(options);
  return (request, response, next) => {
    const verdict = buckets.take(request.ip ?? 'unknown', now());
    response.setHeader('RateLimit-Limit', String(options.burst));
    response.setHeader('RateLimit-Remaining', String(verdict.remaining));
    if (verdict.allowed) {
      next();
      return;
    }
    response.setHeader('Retry-After', String(verdict.retryAfterS));
    response.status(429).json({
      error: {
        code: 'rate_limited',
        message: `more than ${options.perSecond} requests per second; retry after ${verdict.retryAfterS} s`,
      },
    });
  };
}
