import { describe, expect, it } from 'vitest';
import { ALERTMANAGER, HOST, PROMETHEUS } from '../stack/topology.js';
import { eventually } from './support/stack.js';

const api = `http://${HOST}:${PROMETHEUS.port}/api/v1`;

interface Target {
  labels: Record<string, string>;
  health: string;
}

async function query(
  expr: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { data: { result: [] } };
  return body.data.result;
}

describe('Prometheus: scraping the stack', () => {
  it('when Prometheus is up, then every JMX exporter target is scraped and healthy', async () => {
    // The pipeline's own targets appear too when `npm start` runs it; these tests are about the infrastructure.
    const infrastructure = ['prometheus', 'alertmanager', 'kafka', 'cassandra'];
    const targets = await eventually(
      'all six infrastructure targets to be up',
      async () => {
        const body = (await (await fetch(`${api}/targets`)).json()) as { data: { activeTargets: Target[] } };
        const active = body.data.activeTargets.filter((t) => infrastructure.includes(t.labels.job ?? ''));
        return active.length === 6 && active.every((t) => t.health === 'up') ? active : undefined;
      },
      90_000,
    );
    expect(targets.map((t) => `${t.labels.job}/${t.labels.instance}`).sort()).toEqual([
      'alertmanager/alertmanager',
      'cassandra/cassandra',
      'kafka/kafka-1',
      'kafka/kafka-2',
      'kafka/kafka-3',
      'prometheus/prometheus',
    ]);
  });

  it('when Kafka and Cassandra are scraped, then the metrics the alerts rely on are there', async () => {
    const underReplicated = await eventually('a value per broker', async () => {
      const result = await query('kafka_server_under_replicated_partitions');
      return result.length === 3 ? result : undefined;
    });
    expect(underReplicated.map((r) => r.metric.instance).sort()).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);

    // Each node is scraped at its own instant: across a controller election one scrape can still see the
    // old controller active and the next the new one. The quorum must settle on exactly one.
    const controllers = await eventually('exactly one active controller', async () => {
      const result = await query('sum(kafka_controller_active_controller_count)');
      return result[0]?.value[1] === '1' ? result : undefined;
    });
    expect(controllers[0]?.value[1]).toBe('1');

    const cassandraLatency = await query('cassandra_client_request_latency_seconds{scope="Write"}');
    expect(cassandraLatency.map((r) => r.metric.quantile).sort()).toEqual(['0.5', '0.95', '0.99']);
    expect((await query('cassandra_dropped_messages_total{message_type="MUTATION"}')).length).toBe(1);
  });

  it('when rules are loaded, then Kafka and Cassandra alerts are evaluated and sent to Alertmanager', async () => {
    const rules = (await (await fetch(`${api}/rules`)).json()) as {
      data: { groups: Array<{ name: string }> };
    };
    expect(rules.data.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining([
        'sensorwatch-stack',
        'sensorwatch-kafka',
        'sensorwatch-cassandra',
        'sensorwatch-pipeline',
        'sensorwatch-fleet',
      ]),
    );
    const alertmanagers = (await (await fetch(`${api}/alertmanagers`)).json()) as {
      data: { activeAlertmanagers: Array<{ url: string }> };
    };
    expect(alertmanagers.data.activeAlertmanagers.map((a) => a.url)).toEqual([
      `http://${HOST}:${ALERTMANAGER.port}/api/v2/alerts`,
    ]);
  });
});
