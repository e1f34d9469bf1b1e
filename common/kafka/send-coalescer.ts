/**
 * Gathers the items of many concurrent callers into fewer, larger sends, like the Java producer's
 * linger.ms: a send goes when `maxItems` are waiting or `lingerMs` after the first arrived. Every caller
 * resolves (or rejects) with the send that carried its items, so "resolved" still means "acknowledged".
 *
 * Why: the detector handles a dozen partitions at once, each chunk small when the load is light. Sent as
 * they come, each chunk's scored readings were a produce request of their own (about a hundred a second),
 * and per request Kafka and kafkajs spend far more CPU than per record.
 */
export function createSendCoalescer<T>(
  send: (items: T[]) => Promise<void>,
  { lingerMs, maxItems }: { lingerMs: number; maxItems: number },
): (items: readonly T[]) => Promise<void> {
  let pending:
    | { items: T[]; waiters: { resolve: () => void; reject: (error: unknown) => void }[] }
    | undefined;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = undefined;
    if (!batch) return;
    send(batch.items).then(
      () => {
        for (const waiter of batch.waiters) waiter.resolve();
      },
      (error: unknown) => {
        for (const waiter of batch.waiters) waiter.reject(error);
      },
    );
  };

  return (items) => {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      pending ??= { items: [], waiters: [] };
      pending.items.push(...items);
      pending.waiters.push({ resolve, reject });
      if (pending.items.length >= maxItems || lingerMs <= 0) flush();
      else timer ??= setTimeout(flush, lingerMs);
    });
  };
}
