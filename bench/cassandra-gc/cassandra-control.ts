import { readFileSync, statSync } from 'node:fs';
import { loadStackConfig } from '../../stack/config.js';
import { installStack } from '../../stack/install/index.js';
import { pathsOf } from '../../stack/paths.js';
import { readPidRecord, startProcess, stopProcess } from '../../stack/process/supervisor.js';
import { waitUntilReady } from '../../stack/readiness.js';
import { loadStackSecrets } from '../../stack/secrets.js';
import { safepointLogOf } from '../../stack/services/cassandra.js';
import type { CassandraGc, CassandraMemtable } from '../../stack/services/cassandra-gc.js';
import { stackServices } from '../../stack/services/registry.js';
import { CASSANDRA } from '../../stack/topology.js';

/** Restarts the running stack instance's Cassandra node with another collector and memtable (its data kept). */
export async function restartCassandraWith(
  gc: CassandraGc,
  memtable: CassandraMemtable,
  timeoutMs = 180_000,
): Promise<void> {
  const config = loadStackConfig({
    ...process.env,
    SENSORWATCH_CASSANDRA_GC: gc,
    SENSORWATCH_CASSANDRA_MEMTABLE: memtable,
  });
  const paths = pathsOf(config);
  const outcome = await stopProcess(paths, CASSANDRA.name);
  if (outcome === 'killed') throw new Error('Cassandra did not stop within its grace period and was killed');
  const installed = await installStack(paths, () => {});
  const service = stackServices(paths, config, installed, loadStackSecrets(paths)).find(
    (s) => s.name === CASSANDRA.name,
  );
  if (!service) throw new Error('the stack has no Cassandra service');
  await service.prepare();
  const record = await startProcess(paths, service.spec());
  await waitUntilReady(CASSANDRA.name, service.probe, { deadline: Date.now() + timeoutMs, record });
}

/** The Cassandra node's pid, for its CPU and memory. */
export async function cassandraPid(): Promise<number> {
  const record = await readPidRecord(pathsOf(loadStackConfig()), CASSANDRA.name);
  if (!record) throw new Error('Cassandra is not running');
  return record.pid;
}

/** Resident memory of a process, MB. */
export function residentMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

/**
 * Each safepoint's total time (reaching it and the work done at it) in milliseconds, from the JVM's
 * safepoint log. JDK 17 writes `Safepoint "G1CollectForAllocation", …, Total: 3035035 ns`.
 */
export function safepointPausesMs(log: string): number[] {
  return [...log.matchAll(/Safepoint "[^"]+".*Total: (\d+) ns/g)].map((m) => Number(m[1]) / 1e6);
}

/** The JVM's stops of the world logged after a mark, in milliseconds. */
export function safepointReader(): { mark(): void; pausesMs(): number[] } {
  const file = safepointLogOf(pathsOf(loadStackConfig()));
  let offset = 0;
  return {
    mark() {
      offset = statSync(file).size;
    },
    pausesMs() {
      return safepointPausesMs(readFileSync(file).subarray(offset).toString('utf8'));
    },
  };
}
