import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from '../errors.js';
import type { StackPaths } from '../paths.js';
import { isZombie, processStartTicks } from './proc.js';

/** A long-running process of the stack. */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** What the process listens on, by purpose, shown by `stack:status`. */
  readonly ports: Readonly<Record<string, number>>;
}

/** What `stack:up` wrote about a process it started; `stack:down` trusts nothing else. */
export interface PidRecord {
  readonly name: string;
  readonly pid: number;
  readonly startTicks: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly ports: Readonly<Record<string, number>>;
  readonly log: string;
  readonly startedAt: string;
}

/**
 * Starts a process detached from this one (its own session, so it outlives `npm run stack:up`) with its
 * stdout and stderr appended to its log file, and records it.
 */
export async function startProcess(paths: StackPaths, spec: ProcessSpec): Promise<PidRecord> {
  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.run, { recursive: true });
  const log = paths.log(spec.name);
  const fd = openSync(log, 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (error) => reject(new StackError(`Cannot start ${spec.name}: ${error.message}`)));
    });
    child.unref();
    const startTicks = processStartTicks(pid);
    if (startTicks === undefined) throw new StackError(`${spec.name} exited at once; see ${log}`);
    const record: PidRecord = {
      name: spec.name,
      pid,
      startTicks,
      command: spec.command,
      args: spec.args,
      ports: spec.ports,
      log,
      startedAt: new Date().toISOString(),
    };
    await writeFile(paths.pidRecord(spec.name), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    closeSync(fd);
  }
}

export async function readPidRecord(paths: StackPaths, name: string): Promise<PidRecord | undefined> {
  const file = paths.pidRecord(name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** True while the recorded process itself (same pid and same start time) is running. */
export function isRecordAlive(record: PidRecord): boolean {
  return processStartTicks(record.pid) === record.startTicks && !isZombie(record.pid);
}

export type StopOutcome = 'stopped' | 'killed' | 'not-running';

/**
 * Stops the recorded process: SIGTERM for a clean shutdown (Kafka's controlled shutdown, Cassandra's
 * drain), then SIGKILL if it has not exited within `graceMs`. Only the recorded process is signalled.
 */
export async function stopProcess(
  paths: StackPaths,
  name: string,
  { graceMs = 30_000, signal = 'SIGTERM' as NodeJS.Signals } = {},
): Promise<StopOutcome> {
  const record = await readPidRecord(paths, name);
  if (!record || !isRecordAlive(record)) {
    await rm(paths.pidRecord(name), { force: true });
    return 'not-running';
  }
  process.kill(record.pid, signal);
  let outcome: StopOutcome = 'stopped';
  if (!(await waitForExit(record, graceMs))) {
    process.kill(record.pid, 'SIGKILL');
    outcome = 'killed';
    await waitForExit(record, 10_000);
  }
  await rm(paths.pidRecord(name), { force: true });
  return outcome;
}

async function waitForExit(record: PidRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRecordAlive(record)) return true;
    await sleep(200);
  }
  return !isRecordAlive(record);
}

export function relativeToCwd(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}
