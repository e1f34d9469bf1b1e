import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StackConfig } from '../config.js';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';
import type { ProcessSpec } from '../process/supervisor.js';
import { HOST, KAFKA_NODES, type KafkaNode } from '../topology.js';
import { classpathOf, jvmBaseArgs } from './java.js';

/**
 * server.properties of one node of the 3-node KRaft cluster: each node is both broker and controller,
 * with a static quorum of all three, and every internal topic replicated 3 ways with 2 in sync.
 */
export function renderKafkaServerProperties(node: KafkaNode, logDir: string): string {
  const voters = KAFKA_NODES.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(',');
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    // Durability: nothing is acknowledged with acks=all unless two brokers have it.
    'default.replication.factor': 3,
    'min.insync.replicas': 2,
    'offsets.topic.replication.factor': 3,
    'transaction.state.log.replication.factor': 3,
    'transaction.state.log.min.isr': 2,
    'unclean.leader.election.enable': false,
    // Topics are created on purpose (see common/kafka/topics.ts); a misspelt name must fail, not create one.
    'auto.create.topics.enable': false,
    'num.partitions': 6,
    // Rack per broker plus the rack-aware selector lets a consumer fetch from the replica in its rack (KIP-392).
    'broker.rack': node.rack,
    'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
    // As in Kafka's own config/kraft/server.properties: no 3 s wait before the first group rebalance.
    'group.initial.rebalance.delay.ms': 0,
    // Two cores are shared by everything: fewer threads than the defaults (3 network, 8 I/O).
    'num.network.threads': 2,
    'num.io.threads': 4,
    'log.retention.hours': 168,
    'log.segment.bytes': 256 * 1024 * 1024,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** Broker logs go to stdout, which the supervisor appends to the node's log file. */
export function renderKafkaLog4j(): string {
  return `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
# The request and state-change loggers are chatty at INFO and say nothing a user needs here.
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
`;
}

export interface KafkaContext {
  readonly paths: StackPaths;
  readonly config: StackConfig;
  readonly kafkaLib: string;
  readonly jmxAgentJar: string;
  readonly jmxConfig: string;
}

function nodeFiles(paths: StackPaths, node: KafkaNode) {
  const conf = paths.conf(node.name);
  return {
    conf,
    serverProperties: path.join(conf, 'server.properties'),
    log4j: path.join(conf, 'log4j.properties'),
    logDir: path.join(paths.data(node.name), 'logs'),
  };
}

/**
 * Writes the node's config and formats its storage with the cluster id shared by all three nodes. The id
 * is made once and kept, so restarts reuse the data; `--ignore-formatted` makes formatting idempotent.
 */
export async function prepareKafkaNode(ctx: KafkaContext, node: KafkaNode): Promise<void> {
  const files = nodeFiles(ctx.paths, node);
  await mkdir(files.conf, { recursive: true });
  await mkdir(files.logDir, { recursive: true });
  await writeFile(files.serverProperties, renderKafkaServerProperties(node, files.logDir));
  await writeFile(files.log4j, renderKafkaLog4j());
  const clusterId = await kafkaClusterId(ctx);
  await runCommandOrFail(`Formatting storage of ${node.name}`, 'java', [
    '-cp',
    classpathOf(ctx.kafkaLib),
    `-Dlog4j.configuration=file:${files.log4j}`,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    files.serverProperties,
    '--ignore-formatted',
  ]);
}

async function kafkaClusterId(ctx: KafkaContext): Promise<string> {
  const file = path.join(ctx.paths.data('kafka'), 'cluster-id');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const output = await runCommandOrFail('Making a Kafka cluster id', 'java', [
    '-cp',
    classpathOf(ctx.kafkaLib),
    'kafka.tools.StorageTool',
    'random-uuid',
  ]);
  const id = output.trim().split('\n').pop()?.trim() ?? '';
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${id}\n`);
  return id;
}

export function kafkaProcessSpec(ctx: KafkaContext, node: KafkaNode): ProcessSpec {
  const files = nodeFiles(ctx.paths, node);
  return {
    name: node.name,
    command: 'java',
    args: [
      ...jvmBaseArgs({
        heapMb: ctx.config.kafkaHeapMb,
        jmxAgentJar: ctx.jmxAgentJar,
        jmxPort: node.jmxExporterPort,
        jmxConfig: ctx.jmxConfig,
      }),
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      `-Dlog4j.configuration=file:${files.log4j}`,
      '-cp',
      classpathOf(ctx.kafkaLib),
      'kafka.Kafka',
      files.serverProperties,
    ],
    ports: { kafka: node.port, controller: node.controllerPort, metrics: node.jmxExporterPort },
  };
}
