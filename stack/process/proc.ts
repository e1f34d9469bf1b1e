import { readFileSync } from 'node:fs';

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined
 * when there is no such process. Paired with the pid it identifies a process for good: a pid that the
 * kernel hands to a new process later comes with a different start time.
 * See proc(5): https://man7.org/linux/man-pages/man5/proc.5.html
 */
export function processStartTicks(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : parseStartTicks(stat);
}

/** Parses /proc/<pid>/stat; the command name in field 2 may hold spaces and parentheses, so split after the last ')'. */
export function parseStartTicks(stat: string): number | undefined {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field 22 is at index 19.
  const ticks = Number(afterName[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** Resident memory in MiB (VmRSS of /proc/<pid>/status), or undefined when the process is gone. */
export function processRssMb(pid: number): number | undefined {
  const status = readProc(`/proc/${pid}/status`);
  const kb = status && /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : undefined;
}

/** A zombie has exited but not been reaped; for our purposes it is gone. */
export function isZombie(pid: number): boolean {
  const stat = readProc(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ?? false;
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
