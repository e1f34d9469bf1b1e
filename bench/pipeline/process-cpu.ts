import { readdirSync, readFileSync } from 'node:fs';

/** The parts of the stack whose CPU a step accounts for, told apart by their command line. */
export const COMPONENTS = [
  'kafka',
  'cassandra',
  'detector',
  'producers',
  'prometheus',
  'other java',
] as const;
export type Component = (typeof COMPONENTS)[number];

/** Linux reports process times in clock ticks: 100 a second on every architecture Node runs on here. */
const TICKS_PER_SECOND = 100;

/** Which component a command line (NUL-separated, as /proc/PID/cmdline has it) belongs to, if any. */
export function componentOf(cmdline: string): Component | undefined {
  if (cmdline.includes('kafka.Kafka')) return 'kafka';
  if (cmdline.includes('CassandraDaemon')) return 'cassandra';
  // Compiled into dist/ (as the stack runs them), or from source under tsx (`--from-source`).
  if (/detector\/main\.[tj]s/.test(cmdline)) return 'detector';
  if (/producer\/main\.[tj]s/.test(cmdline)) return 'producers';
  const program = cmdline.split('\0')[0] ?? '';
  if (/(^|\/)(prometheus|alertmanager)$/.test(program)) return 'prometheus';
  // Kafka's perf tools and anything else on the JVM.
  if (/(^|\/)java$/.test(program)) return 'other java';
  return undefined;
}

/** CPU seconds (user + system) a /proc/PID/stat line reports; the command name may hold spaces. */
export function cpuSecondsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the man page, utime 14 and stime 15.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds each component has used so far, summed over its live processes, keyed by pid. */
export function sampleProcessCpu(): Map<number, { component: Component; seconds: number }> {
  const sample = new Map<number, { component: Component; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const component = componentOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      if (component)
        sample.set(pid, { component, seconds: cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return sample;
}

/**
 * Cores each component used between two samples. Only processes alive at both count: producers are
 * started and stopped with each step, but the window is measured while they all run.
 */
export function coresBetween(
  before: ReturnType<typeof sampleProcessCpu>,
  after: ReturnType<typeof sampleProcessCpu>,
  seconds: number,
): Record<Component, number> {
  const cores = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
  for (const [pid, { component, seconds: used }] of after) {
    const start = before.get(pid);
    if (start) cores[component] += (used - start.seconds) / seconds;
  }
  return cores;
}

/** The pipeline's parts whose CPU a stored reading costs (Prometheus and other JVMs are not the pipeline). */
export const PIPELINE_PARTS = ['detector', 'kafka', 'cassandra', 'producers'] as const;

/**
 * µs of CPU each pipeline part spent per stored reading, and their total: `bench/out/pipeline.json`'s
 * `cpuUsPerReading`, as issue 18 states its targets. Null for a window in which nothing was stored.
 */
export function cpuUsPerReading(
  cores: Record<Component, number>,
  storedPerSecond: number,
): Record<(typeof PIPELINE_PARTS)[number] | 'total', number> | null {
  if (!(storedPerSecond > 0)) return null;
  const parts = Object.fromEntries(
    PIPELINE_PARTS.map((part) => [part, (cores[part] / storedPerSecond) * 1e6]),
  ) as Record<(typeof PIPELINE_PARTS)[number], number>;
  return { ...parts, total: PIPELINE_PARTS.reduce((sum, part) => sum + parts[part], 0) };
}
