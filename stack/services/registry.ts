import path from 'node:path';
import type { StackConfig } from '../config.js';
import type { Installed } from '../install/index.js';
import type { StackPaths } from '../paths.js';
import { isRecordAlive, type ProcessSpec, readPidRecord } from '../process/supervisor.js';
import { httpOk, postOk, tcpOpen } from '../readiness.js';
import type { StackSecrets } from '../secrets.js';
import {
  ALERTMANAGER,
  CASSANDRA,
  HOST,
  KAFKA_NODES,
  PIPELINE_SERVICE_NAMES,
  PROMETHEUS,
} from '../topology.js';
import { cassandraProcessSpec, prepareCassandra } from './cassandra.js';
import { ensureCassandraRoles } from './cassandra-roles.js';
import { kafkaProcessSpec, prepareKafkaNode } from './kafka.js';
import {
  alertmanagerProcessSpec,
  PROMETHEUS_SOURCE_DIR,
  prepareAlertmanager,
  preparePrometheus,
  prometheusProcessSpec,
} from './prometheus.js';

/** One process of the native stack: how to lay out its files, how to run it, how to know it is up. */
export interface StackService {
  readonly name: string;
  /** Writes config and prepares storage; safe to repeat. */
  prepare(): Promise<void>;
  spec(): ProcessSpec;
  /** Resolves once the service answers; throws while it does not. */
  probe(): Promise<unknown>;
  /**
   * Makes a running service pick up its configuration again, for services whose config comes from the
   * repository (Prometheus rules). `stack:up` calls it on services it reuses.
   */
  reload?(): Promise<void>;
  /** Addresses worth printing for users. */
  readonly endpoints: Readonly<Record<string, string>>;
}

/** The services in start order: Kafka first (the slowest to form), Prometheus last (it scrapes the rest). */
export function stackServices(
  paths: StackPaths,
  config: StackConfig,
  installed: Installed,
  secrets: StackSecrets,
): StackService[] {
  const jmxConfig = (name: string) => path.join(PROMETHEUS_SOURCE_DIR, 'jmx-exporter', `${name}.yml`);
  const kafkaCtx = { paths, config, secrets, ...installed, jmxConfig: jmxConfig('kafka') };
  const cassandraCtx = { paths, config, ...installed, jmxConfig: jmxConfig('cassandra') };

  const kafka = KAFKA_NODES.map<StackService>((node) => ({
    name: node.name,
    prepare: () => prepareKafkaNode(kafkaCtx, node),
    spec: () => kafkaProcessSpec(kafkaCtx, node),
    probe: async () => {
      await tcpOpen(HOST, node.port);
      await httpOk(`http://${HOST}:${node.jmxExporterPort}/metrics`);
    },
    endpoints: {
      bootstrap: `${HOST}:${node.port}`,
      metrics: `http://${HOST}:${node.jmxExporterPort}/metrics`,
    },
  }));

  const cassandra: StackService = {
    name: CASSANDRA.name,
    prepare: () => prepareCassandra(cassandraCtx),
    spec: () => cassandraProcessSpec(cassandraCtx),
    // Answering CQL with the stack's own login is "up"; the first time, that login is made here.
    probe: async () => {
      await ensureCassandraRoles(secrets);
      await httpOk(`http://${HOST}:${CASSANDRA.jmxExporterPort}/metrics`);
    },
    endpoints: {
      cql: `${HOST}:${CASSANDRA.nativePort}`,
      metrics: `http://${HOST}:${CASSANDRA.jmxExporterPort}/metrics`,
    },
  };

  const alertmanager: StackService = {
    name: ALERTMANAGER.name,
    prepare: () => prepareAlertmanager(paths),
    spec: () => alertmanagerProcessSpec(paths),
    probe: () => httpOk(`http://${HOST}:${ALERTMANAGER.port}/-/ready`),
    reload: async () => {
      await prepareAlertmanager(paths);
      await postOk(`http://${HOST}:${ALERTMANAGER.port}/-/reload`);
    },
    endpoints: { ui: `http://${HOST}:${ALERTMANAGER.port}` },
  };

  const prometheus: StackService = {
    name: PROMETHEUS.name,
    prepare: async () => preparePrometheus(paths, await runningPipelineServices(paths)),
    spec: () => prometheusProcessSpec(paths),
    probe: () => httpOk(`http://${HOST}:${PROMETHEUS.port}/-/ready`),
    reload: async () => {
      await preparePrometheus(paths, await runningPipelineServices(paths));
      await postOk(`http://${HOST}:${PROMETHEUS.port}/-/reload`);
    },
    endpoints: { ui: `http://${HOST}:${PROMETHEUS.port}` },
  };

  return [...kafka, cassandra, alertmanager, prometheus];
}

/** Infrastructure service names in start order, known without installing anything. */
export const INFRASTRUCTURE_NAMES: readonly string[] = [
  ...KAFKA_NODES.map((n) => n.name),
  CASSANDRA.name,
  ALERTMANAGER.name,
  PROMETHEUS.name,
];

/** Every service the stack may run, in start order (for status and down). */
export const SERVICE_NAMES: readonly string[] = [...INFRASTRUCTURE_NAMES, ...PIPELINE_SERVICE_NAMES];

/** Pipeline services whose processes are running now: Prometheus scrapes exactly these. */
async function runningPipelineServices(paths: StackPaths): Promise<string[]> {
  const alive = await Promise.all(
    PIPELINE_SERVICE_NAMES.map(async (name) => {
      const record = await readPidRecord(paths, name);
      return record && isRecordAlive(record) ? name : undefined;
    }),
  );
  return alive.filter((name): name is string => name !== undefined);
}
