import { randomUUID } from 'node:crypto';
import { stackCassandraClient, stackKafkaClient } from '../../stack/clients.js';
import { loadStackConfig } from '../../stack/config.js';
import { installStack } from '../../stack/install/index.js';
import { pathsOf } from '../../stack/paths.js';
import { startProcess, stopProcess } from '../../stack/process/supervisor.js';
import { waitUntilReady } from '../../stack/readiness.js';
import { exportStackSecrets } from '../../stack/secrets.js';
import { stackServices } from '../../stack/services/registry.js';
import { KAFKA_BOOTSTRAP } from '../../stack/topology.js';

/**
 * What integration tests share: the running native stack (started by stack/with-stack.ts) and clients
 * for it. Every test names its own topics, groups and stations with `uniqueName`, so tests never see
 * each other's data.
 */
export const stackConfig = loadStackConfig();
export const paths = pathsOf(stackConfig);
/** Also in process.env, so the services and tools a test spawns log in the way the stack's own do. */
export const secrets = exportStackSecrets(paths);

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function kafkaClient(clientId = uniqueName('test'), brokers: readonly string[] = KAFKA_BOOTSTRAP) {
  return stackKafkaClient(secrets, clientId, brokers);
}

export function cassandraClient(keyspace?: string) {
  return stackCassandraClient(secrets, keyspace);
}

/** Stops one service of the stack the way `stack:down` does (SIGTERM, then SIGKILL after the grace time). */
export async function stopService(name: string, signal: NodeJS.Signals = 'SIGTERM') {
  return stopProcess(paths, name, { signal });
}

/** Starts one stopped service again and waits until it answers its readiness probe. */
export async function startService(name: string, timeoutMs = 120_000): Promise<void> {
  const installed = await installStack(paths, () => {});
  const service = stackServices(paths, stackConfig, installed, secrets).find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name}`);
  await service.prepare();
  const record = await startProcess(paths, service.spec());
  await waitUntilReady(name, service.probe, { deadline: Date.now() + timeoutMs, record });
}

export { eventually } from '../../common/eventually.js';
