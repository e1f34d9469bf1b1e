import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** First wait; each failure doubles it, up to `maxMs`. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** False for an error that will fail the same way again (a bad query): it is thrown at once. */
  readonly isRetriable: (error: unknown) => boolean;
  /** Told of each retriable failure before the wait (log it, count it). */
  readonly onRetry?: (error: unknown, waitMs: number) => void;
  /** Runs after each wait, before the next attempt; throwing from it abandons the retries. */
  readonly beforeAttempt?: () => Promise<void> | void;
  /** Injected in tests. */
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Runs `attempt` until it succeeds, waiting with exponential backoff between failures that may pass (a
 * node away, a timeout), and throwing the first failure that will not. The one retry loop of the project:
 * a permanent error is never retried forever.
 */
export async function retryWithBackoff<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  let waitMs = options.initialMs;
  while (true) {
    try {
      return await attempt();
    } catch (error) {
      if (!options.isRetriable(error)) throw error;
      options.onRetry?.(error, waitMs);
      await wait(waitMs);
      await options.beforeAttempt?.();
      waitMs = Math.min(waitMs * 2, options.maxMs);
    }
  }
}
