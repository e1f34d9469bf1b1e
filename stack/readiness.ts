import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.js';
import { lastLines } from './process/run-command.js';
import { isRecordAlive, type PidRecord } from './process/supervisor.js';

/**
 * Polls `probe` until it resolves. Fails when the deadline passes or, sooner, when the process behind it
 * exits; either way the error carries the last lines of that process's log, which is where the reason is.
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<unknown>,
  {
    deadline,
    record,
    attemptMs = PROBE_ATTEMPT_MS,
  }: { deadline: number; record?: PidRecord; attemptMs?: number },
): Promise<void> {
  let lastError = 'no attempt finished';
  while (true) {
    try {
      await withinAttempt(probe(), attemptMs);
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (record && !isRecordAlive(record)) {
      throw new StackError(
        `${what} exited during start-up. Last lines of ${record.log}:`,
        logTail(record.log),
      );
    }
    if (Date.now() > deadline) {
      const where = record ? ` Last lines of ${record.log}:` : '';
      throw new StackError(
        `${what} was not ready in time (last check: ${lastError}).${where}`,
        record && logTail(record.log),
      );
    }
    await sleep(500);
  }
}

/** How long one probe may take before it counts as a failed attempt. */
const PROBE_ATTEMPT_MS = 10_000;

/**
 * `attempt`, failed after `ms` by a timer that keeps the process alive. A probe whose promise nothing will
 * settle (a fetch whose only timer is AbortSignal.timeout's, which is unref'd) would otherwise let the
 * event loop empty, and Node exits with code 0 in the middle of the wait: CI once passed that way, the
 * fault suite never run.
 */
async function withinAttempt<T>(attempt: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function logTail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log file)';
  return lastLines(readFileSync(file, 'utf8'), lines);
}

/** Resolves when something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`timed out connecting to ${host}:${port}`));
    });
    socket.once('error', (error) => reject(error));
  });
}

/** Resolves when GET `url` answers 200; returns the body. */
export async function httpOk(url: string, timeoutMs = 3_000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return body;
}

/** POSTs to `url` with no body and fails unless it answers 200 (Prometheus' and Alertmanager's /-/reload). */
export async function postOk(url: string, timeoutMs = 10_000): Promise<void> {
  const response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200)
    throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}
