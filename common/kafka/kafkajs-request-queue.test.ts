import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * kafkajs' request queue is patched (patches/kafkajs+2.2.4.patch, tulios/kafkajs#1556 and #1704): it
 * checked for pending requests on a 1 ms timer that re-armed itself for the connection's whole life, with
 * nothing pending. Held here: no timer while nothing waits, and a request held back by a throttle or the
 * in-flight limit is still sent once it may be (what the timer is for, tulios/kafkajs#1532).
 */
const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (options: object) => Queue;

interface Queue {
  push(request: {
    entry: {
      correlationId: number;
      apiKey: number;
      apiName: string;
      apiVersion: number;
      resolve(response: unknown): void;
      reject(error: Error): void;
    };
    expectResponse: boolean;
    sendRequest(): void;
  }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
  readonly throttleCheckTimeoutId: unknown;
  readonly pending: unknown[];
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const queues: Queue[] = [];

function queue(maxInFlightRequests: number | null = null): Queue {
  const created = new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'broker:9092',
    logger: silent,
  });
  queues.push(created);
  return created;
}

/** Pushes a request with a response expected; returns the list its sending is recorded in. */
function push(into: Queue, correlationId: number, sent: number[]): void {
  into.push({
    entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve() {}, reject() {} },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  });
}

const answer = (correlationId: number) => ({ correlationId, payload: Buffer.alloc(0), size: 0 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  for (const created of queues.splice(0)) created.destroy();
});

describe('kafkajs request queue (patched)', () => {
  it('when requests are sent and answered with nothing pending, then no timer is left running', () => {
    const requests = queue();
    const sent: number[] = [];
    for (let id = 1; id <= 3; id++) {
      push(requests, id, sent);
      requests.fulfillRequest(answer(id));
    }
    expect(sent).toEqual([1, 2, 3]);
    expect(requests.throttleCheckTimeoutId).toBeNull();
  });

  it('when the in-flight limit holds a request back, then the answer to the one before sends it', () => {
    const requests = queue(1);
    const sent: number[] = [];
    push(requests, 1, sent);
    push(requests, 2, sent);
    expect(sent).toEqual([1]);
    requests.fulfillRequest(answer(1));
    expect(sent).toEqual([1, 2]);
    requests.fulfillRequest(answer(2));
    expect(requests.pending).toEqual([]);
  });

  it('when the broker throttles, then a held request is sent once the throttle is over, by a timer', async () => {
    const requests = queue();
    const sent: number[] = [];
    requests.maybeThrottle(30);
    push(requests, 1, sent);
    expect(sent).toEqual([]);
    expect(requests.throttleCheckTimeoutId).not.toBeNull();
    await sleep(80);
    expect(sent).toEqual([1]);
    requests.fulfillRequest(answer(1));
    expect(requests.throttleCheckTimeoutId).toBeNull();
  });
});
