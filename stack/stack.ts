import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { applyCqlFile } from '../common/cassandra/schema.js';
import { ensureTopics } from '../common/kafka/admin.js';
import { PIPELINE_TOPICS } from '../common/kafka/topics.js';
import { stackCassandraClient, stackKafkaClient } from './clients.js';
import { REPO_ROOT, type StackConfig } from './config.js';
import { StackError } from './errors.js';
import { installStack } from './install/index.js';
import { kafkaRoundTrip } from './kafka-round-trip.js';
import { pathsOf, type StackPaths } from './paths.js';
import { processRssMb } from './process/proc.js';
import {
  isRecordAlive,
  type PidRecord,
  readPidRecord,
  startProcess,
  stopProcess,
} from './process/supervisor.js';
import { tcpOpen, waitUntilReady } from './readiness.js';
import { exportStackSecrets, type StackSecrets } from './secrets.js';
import { pipelineServices as pipelineServicesOf } from './services/pipeline.js';
import { SERVICE_NAMES, type StackService, stackServices } from './services/registry.js';
import { HOST, KAFKA_BOOTSTRAP, PROMETHEUS } from './topology.js';

export type Log = (line: string) => void;

export interface UpResult {
  /** Services this call started; a caller that wants to leave the machine as it found it stops these. */
  readonly started: readonly string[];
  /** Services that were already running and were reused. */
  readonly reused: readonly string[];
  readonly services: readonly StackService[];
}

export const SCHEMA_FILE = path.join(REPO_ROOT, 'cassandra', 'schema.cql');

/**
 * Installs what is missing, starts every service that is not already running, and returns once the whole
 * stack is ready for real: each service answers, the Kafka cluster has all three brokers, the pipeline's
 * topics exist, a message round-trips through all three brokers, and the Cassandra schema is applied.
 * If any of that fails, the services this call started are stopped again before the error is thrown.
 */
export async function stackUp(config: StackConfig, log: Log, { pipeline = false } = {}): Promise<UpResult> {
  const paths = pathsOf(config);
  // Instances share the ports: another one running would answer this one's readiness checks with its data.
  const elsewhere = await liveInOtherInstances(config);
  if (elsewhere.length > 0) {
    const { instance } = elsewhere[0] as { instance: string };
    const which = instance ? `The stack instance "${instance}"` : 'The stack of npm start';
    const stop = `${instance ? `SENSORWATCH_STACK_INSTANCE=${instance} ` : ''}npm run stack:down`;
    throw new StackError(
      `${which} is running (${elsewhere.map((e) => e.service).join(', ')}) on the ports this one needs. Stop it first: ${stop}`,
    );
  }
  // Made on first start; exported so the pipeline's services (and a command run by with-stack) log in.
  const secrets = exportStackSecrets(paths);
  const installed = await installStack(paths, log);
  const infrastructure = stackServices(paths, config, installed, secrets);
  const deadline = Date.now() + config.startTimeoutSeconds * 1000;
  const progress: Progress = { started: [], reused: [] };

  try {
    await startAndAwait(infrastructure, paths, progress, deadline, log);
    await waitUntilReady('Kafka cluster topics and round trip', () => prepareKafka(secrets, log), {
      deadline,
    });
    await waitUntilReady('Cassandra schema', () => prepareCassandraSchema(secrets, log), { deadline });
    const services = [...infrastructure];
    if (pipeline) {
      const pipelineServices = pipelineServicesOf(paths);
      await startAndAwait(pipelineServices, paths, progress, deadline, log);
      services.push(...pipelineServices);
    }
    // Prometheus scrapes the pipeline services that run now.
    await infrastructure.find((s) => s.name === PROMETHEUS.name)?.reload?.();
    return { ...progress, services };
  } catch (error) {
    if (progress.started.length > 0) {
      log(`Start-up failed; stopping what this run started (${progress.started.join(', ')})`);
      await stackDown(config, log, progress.started);
    }
    throw error;
  }
}

interface Progress {
  started: string[];
  reused: string[];
}

/** Starts each service that is not running (reloading the ones that are), then waits until all answer. */
async function startAndAwait(
  services: readonly StackService[],
  paths: StackPaths,
  progress: Progress,
  deadline: number,
  log: Log,
): Promise<void> {
  const records = new Map<string, PidRecord>();
  const reused: string[] = [];
  for (const service of services) {
    const existing = await readPidRecord(paths, service.name);
    if (existing && isRecordAlive(existing)) {
      reused.push(service.name);
      records.set(service.name, existing);
      await service.reload?.();
      continue;
    }
    const spec = service.spec();
    await ensurePortsFree(service.name, spec.ports);
    await service.prepare();
    const record = await startProcess(paths, spec);
    records.set(service.name, record);
    progress.started.push(service.name);
    log(`Started ${service.name} (pid ${record.pid})`);
  }
  progress.reused.push(...reused);
  if (reused.length > 0) log(`Reusing ${reused.join(', ')} (already running)`);

  log('Waiting for every service to answer…');
  await Promise.all(
    services.map(async (service) => {
      const t0 = Date.now();
      const record = records.get(service.name);
      await waitUntilReady(service.name, service.probe, { deadline, ...(record ? { record } : {}) });
      if (!reused.includes(service.name)) log(`  ${service.name} ready after ${secondsSince(t0)} s`);
    }),
  );
}

/**
 * A port already taken means another process (often a stack started from another clone) would answer
 * our readiness probes in our service's place: refuse to start rather than report a false "ready".
 */
async function ensurePortsFree(name: string, ports: Readonly<Record<string, number>>): Promise<void> {
  for (const [purpose, port] of Object.entries(ports)) {
    const taken = await tcpOpen(HOST, port, 500).then(
      () => true,
      () => false,
    );
    if (taken) {
      throw new StackError(
        `Cannot start ${name}: its ${purpose} port ${HOST}:${port} is already in use by another process. ` +
          'Is a stack from another folder running? Stop it there with `npm run stack:down` (see `ss -ltnp`).',
      );
    }
  }
}

async function prepareKafka(secrets: StackSecrets, log: Log): Promise<void> {
  const kafka = stackKafkaClient(secrets, 'sensorwatch-stack');
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length !== KAFKA_BOOTSTRAP.length) {
      throw new Error(`${cluster.brokers.length} of ${KAFKA_BOOTSTRAP.length} brokers registered`);
    }
    const changes = await ensureTopics(admin, PIPELINE_TOPICS);
    const changed = changes.filter((c) => c.action !== 'unchanged');
    log(
      changed.length > 0
        ? `Topics: ${changed.map((c) => `${c.topic} ${c.action}`).join(', ')}`
        : `Topics: ${changes.map((c) => c.topic).join(', ')} already as defined`,
    );
  } finally {
    await admin.disconnect();
  }
  const roundTrip = await kafkaRoundTrip(kafka);
  log(
    `Kafka round trip: ${roundTrip.partitions} partitions led by brokers ${roundTrip.leaders.join(', ')}, ` +
      `acks=all, consumed back in ${roundTrip.milliseconds} ms`,
  );
}

async function prepareCassandraSchema(secrets: StackSecrets, log: Log): Promise<void> {
  const client = stackCassandraClient(secrets);
  try {
    const count = await applyCqlFile(client, SCHEMA_FILE);
    log(`Cassandra schema: ${count} statements applied from cassandra/schema.cql`);
  } finally {
    await client.shutdown();
  }
}

/**
 * Stops the named services (all by default) in reverse start order. Only processes recorded by
 * `stackUp` are signalled. Kafka nodes stop together: stopped one by one, the last would wait for a
 * controller quorum that no longer exists.
 */
export async function stackDown(config: StackConfig, log: Log, only?: readonly string[]): Promise<void> {
  const paths = pathsOf(config);
  const names = SERVICE_NAMES.filter((name) => !only || only.includes(name)).reverse();
  const kafka = names.filter((n) => n.startsWith('kafka-'));
  const others = names.filter((n) => !n.startsWith('kafka-'));
  const stopOne = async (name: string) => {
    const t0 = Date.now();
    const outcome = await stopProcess(paths, name);
    if (outcome !== 'not-running') log(`${name}: ${outcome} in ${secondsSince(t0)} s`);
  };
  for (const name of others) await stopOne(name);
  await Promise.all(kafka.map(stopOne));
}

/** Services alive in the other instances of this home (the default one, and every named one). */
async function liveInOtherInstances(config: StackConfig): Promise<{ instance: string; service: string }[]> {
  const named = existsSync(path.join(config.home, 'instances'))
    ? readdirSync(path.join(config.home, 'instances'))
    : [];
  const live: { instance: string; service: string }[] = [];
  for (const instance of ['', ...named].filter((name) => name !== config.instance)) {
    const paths = pathsOf({ home: config.home, instance });
    for (const service of SERVICE_NAMES) {
      const record = await readPidRecord(paths, service);
      if (record && isRecordAlive(record)) live.push({ instance, service });
    }
  }
  return live;
}

export interface StatusRow {
  readonly name: string;
  readonly state: 'up' | 'down' | 'stale';
  readonly pid?: number;
  readonly ports?: Readonly<Record<string, number>>;
  readonly rssMb?: number;
  readonly since?: string;
  readonly log?: string;
}

/** What is running, from the pid records; a record whose process is gone is reported as stale. */
export async function stackStatus(config: StackConfig): Promise<StatusRow[]> {
  const paths = pathsOf(config);
  return Promise.all(
    SERVICE_NAMES.map(async (name): Promise<StatusRow> => {
      const record = await readPidRecord(paths, name);
      if (!record) return { name, state: 'down' };
      if (!isRecordAlive(record)) return { name, state: 'stale', pid: record.pid, log: record.log };
      const rssMb = processRssMb(record.pid);
      return {
        name,
        state: 'up',
        pid: record.pid,
        ports: record.ports,
        since: record.startedAt,
        log: record.log,
        ...(rssMb === undefined ? {} : { rssMb }),
      };
    }),
  );
}

export function secondsSince(t0: number): string {
  return ((Date.now() - t0) / 1000).toFixed(1);
}

export { StackError };
