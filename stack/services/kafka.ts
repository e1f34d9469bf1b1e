import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KAFKA_DEFAULT_REPLICA_FETCH_MIN_BYTES, type StackConfig } from '../config.js';
import { StackError } from '../errors.js';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';
import type { ProcessSpec } from '../process/supervisor.js';
import { KAFKA_BROKER_USER, KAFKA_CONTROLLER_USER, type StackSecrets } from '../secrets.js';
import { HOST, KAFKA_NODES, type KafkaNode } from '../topology.js';
import { classpathOf, jvmBaseArgs } from './java.js';

/** The JAAS line a SCRAM client (a broker towards another, or a Java tool) logs in with. */
function scramJaas(username: string, password: string): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
}

/**
 * Who may connect, and how. Clients and the brokers among themselves log in with SCRAM-SHA-512 on the
 * SASL_PLAINTEXT listener (users are stored in the cluster's metadata, put there when storage is
 * formatted). Controllers cannot use SCRAM (KIP-631 keeps it out of the quorum's own listener), so the
 * controller listener takes PLAIN with one static user. Plain text on the wire is acceptable here only
 * because every listener binds to loopback; compose adds TLS.
 */
export function kafkaSecuritySettings(secrets: StackSecrets): Record<string, string> {
  const scram = scramJaas(KAFKA_BROKER_USER, secrets.KAFKA_BROKER_PASSWORD);
  const controllerPassword = secrets.KAFKA_CONTROLLER_PASSWORD;
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_CONTROLLER_USER}" password="${controllerPassword}" user_${KAFKA_CONTROLLER_USER}="${controllerPassword}";`;
  return {
    'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name': 'SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': scram,
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': plain,
  };
}

/**
 * server.properties of one node of the 3-node KRaft cluster: each node is both broker and controller,
 * with a static quorum of all three, and every internal topic replicated 3 ways with 2 in sync.
 */
export function renderKafkaServerProperties(
  node: KafkaNode,
  logDir: string,
  secrets: StackSecrets,
  replicaFetchMinBytes = KAFKA_DEFAULT_REPLICA_FETCH_MIN_BYTES,
): string {
  const voters = KAFKA_NODES.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(',');
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': voters,
    listeners: `SASL_PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `SASL_PLAINTEXT://${HOST}:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    ...kafkaSecuritySettings(secrets),
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
    // Failover: how long producers stall when a broker dies (`npm run bench:kafka-clients -- --failover`,
    // docs/benchmarks.md has the figures step by step). A killed broker's partitions move only once the
    // active controller fences it, one broker session after its last heartbeat (9 s by default). A killed
    // active controller costs more: the quorum notices after a fetch timeout (2 s by default), elects
    // another, and that one waits a whole session before it fences the dead broker. All nodes are on one
    // host, so a heartbeat is never more than a scheduler's delay late.
    'broker.session.timeout.ms': 2_000,
    'broker.heartbeat.interval.ms': 500,
    // The two voters left see the dead controller's last fetch at the same instant; with equal timeouts
    // both stand at once and split the vote, which costs an election timeout more. Staggered, the first
    // to time out wins alone; a split vote that still happens costs 0.2-0.4 s. A fetch timeout of 1 s
    // expired on live controllers under a CI run's load (eight needless elections in ten minutes); the
    // shortest here is 1.5 s.
    'controller.quorum.fetch.timeout.ms': quorumFetchTimeoutMs(node.id),
    'controller.quorum.election.timeout.ms': 200,
    // After a failover a partition's new follower has to start fetching from its new leader before an
    // acks=all send is acknowledged: its fetch session's long poll (500 ms by default) and the backoff
    // after the errors a leader change brings (1 s by default) both delayed that.
    'replica.fetch.backoff.ms': 100,
    // Followers fetch what the leaders append. With Kafka's minimum of one byte each append is answered at
    // once, a fetch request (and its handling on both brokers) per produce request and follower; more
    // bytes gather several appends per fetch, for acknowledgements later by up to the wait.
    ...(replicaFetchMinBytes > 1
      ? {
          'replica.fetch.min.bytes': replicaFetchMinBytes,
          'replica.fetch.wait.max.ms': REPLICA_FETCH_GATHER_WAIT_MS,
        }
      : { 'replica.fetch.wait.max.ms': REPLICA_FETCH_POLL_WAIT_MS }),
    'log.retention.hours': 168,
    'log.segment.bytes': 256 * 1024 * 1024,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** The longest a follower's fetch waits for replica.fetch.min.bytes: what it may add to an acks=all send. */
const REPLICA_FETCH_GATHER_WAIT_MS = 50;

/**
 * The longest a follower's fetch waits when there is nothing new. A partition that just moved to this
 * leader joins the follower's next fetch, after the one waiting ends; when appends keep coming a fetch
 * ends sooner anyway, so this costs requests only on an idle cluster (24 fetches a second in all, measured).
 */
const REPLICA_FETCH_POLL_WAIT_MS = 100;

/** Node 1's quorum fetch timeout, and how much longer each next node's is (see `quorumFetchTimeoutMs`). */
const QUORUM_FETCH_TIMEOUT_MS = 1_500;
const QUORUM_FETCH_TIMEOUT_STAGGER_MS = 250;

/** Each voter's own fetch timeout, so that two of them never stand for election at the same instant. */
function quorumFetchTimeoutMs(nodeId: number): number {
  return QUORUM_FETCH_TIMEOUT_MS + (nodeId - 1) * QUORUM_FETCH_TIMEOUT_STAGGER_MS;
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
  readonly secrets: StackSecrets;
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
    /** Written once storage is formatted with the SCRAM users; storage without it predates authentication. */
    scramMarker: path.join(paths.data(node.name), 'scram-users-formatted'),
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
  // The file holds the brokers' passwords.
  await writeFile(
    files.serverProperties,
    renderKafkaServerProperties(node, files.logDir, ctx.secrets, ctx.config.kafkaReplicaFetchMinBytes),
    {
      mode: 0o600,
    },
  );
  await writeFile(files.log4j, renderKafkaLog4j());
  const formatted = existsSync(path.join(files.logDir, 'meta.properties'));
  if (formatted && !existsSync(files.scramMarker)) {
    throw new StackError(
      `${node.name}'s storage in ${files.logDir} was formatted before Kafka required SASL/SCRAM logins, so ` +
        'its cluster has no users. Remove the Kafka data (its topics and messages are lost) and start again:',
      `  npm run stack:down && rm -rf ${KAFKA_NODES.map((n) => ctx.paths.data(n.name)).join(' ')} ${ctx.paths.data('kafka')}`,
    );
  }
  const clusterId = await kafkaClusterId(ctx);
  // --add-scram puts the users into the first metadata records, before any broker has to log in to another.
  const scramUser = (name: string, password: string) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${password}]`,
  ];
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
    ...scramUser(KAFKA_BROKER_USER, ctx.secrets.KAFKA_BROKER_PASSWORD),
    ...scramUser(ctx.secrets.KAFKA_SASL_USERNAME, ctx.secrets.KAFKA_SASL_PASSWORD),
    '--ignore-formatted',
  ]);
  if (!formatted) await writeFile(files.scramMarker, `${new Date().toISOString()}\n`);
}

/**
 * client.properties for Kafka's own Java tools (console consumer, perf tools, kafka-topics …) against the
 * native stack: `--consumer.config`, `--producer.config` or `--command-config` this file.
 */
export async function writeKafkaClientProperties(paths: StackPaths, secrets: StackSecrets): Promise<string> {
  const file = path.join(paths.conf('kafka'), 'client.properties');
  await mkdir(path.dirname(file), { recursive: true });
  const jaas = scramJaas(secrets.KAFKA_SASL_USERNAME, secrets.KAFKA_SASL_PASSWORD);
  await writeFile(
    file,
    ['security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${jaas}`, ''].join(
      '\n',
    ),
    { mode: 0o600 },
  );
  return file;
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
