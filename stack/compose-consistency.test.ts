import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TOPICS } from '../common/kafka/topics.js';
import { REPO_ROOT } from './config.js';
import { renderKafkaServerProperties } from './services/kafka.js';
import { type FileSdGroup, nativeScrapeTargets } from './services/prometheus.js';
import { kafkaNode, PIPELINE_SERVICE_NAMES } from './topology.js';
import { VERSIONS } from './versions.js';

// docker-compose.yml cannot run on machines without Docker; these checks keep it saying the same
// thing as the native stack, which the integration tests do run.

interface ComposeService {
  image?: string;
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

/** The apache/kafka image turns KAFKA_FOO_BAR into foo.bar in server.properties. */
function kafkaPropertiesFromEnv(env: Record<string, string | number>): Map<string, string> {
  return new Map(
    Object.entries(env)
      .filter(([key]) => key.startsWith('KAFKA_') && !['KAFKA_OPTS', 'KAFKA_HEAP_OPTS'].includes(key))
      .map(([key, value]) => [key.slice('KAFKA_'.length).toLowerCase().replaceAll('_', '.'), String(value)]),
  );
}

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

  it.each([1, 2, 3])('gives kafka-%i the durability and placement settings of the native node', (id) => {
    const native = new Map(
      renderKafkaServerProperties(kafkaNode(id), '/unused')
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

  it('pins the versions the native stack runs', () => {
    expect(service('kafka-1').image).toBe(`apache/kafka:${VERSIONS.kafka}`);
    expect(service('cassandra').image).toBe(
      `cassandra:${VERSIONS.cassandra.split('.').slice(0, 2).join('.')}`,
    );
    expect(String(service('jmx-exporter-agent').command)).toContain(
      `jmx_prometheus_javaagent-${VERSIONS.jmxExporter}.jar`,
    );
  });

  it('has no default for any secret: compose stops when one is unset', () => {
    const grafana = service('grafana').environment ?? {};
    expect(String(grafana.GF_SECURITY_ADMIN_PASSWORD)).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?.+\}$/);
    expect(composeText).not.toMatch(/PASSWORD:-/);
  });
});
