import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GRAFANA_RULES, renderAlerting } from './src/alerting.js';
import { PROMETHEUS_DATASOURCE } from './src/defaults.js';
import { ALERTING_FILE, DASHBOARDS_DIR, renderDashboards } from './src/index.js';

interface Panel {
  title?: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
}

const rendered = renderDashboards();

describe('dashboards as code', () => {
  it('the committed JSON is exactly what the TypeScript sources generate (run `npm run dashboards`)', () => {
    const committed = readdirSync(DASHBOARDS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(committed).toEqual([...rendered.keys()].sort());
    for (const [file, json] of rendered) {
      expect(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8'), file).toBe(json);
    }
  });

  it('pins a unique uid per dashboard and queries only the provisioned Prometheus', () => {
    const dashboards = [...rendered.values()].map(
      (json) => JSON.parse(json) as { uid: string; panels: Panel[] },
    );
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(d.panels.length).toBeGreaterThan(0);
      for (const panel of d.panels) {
        expect(panel.datasource?.uid, panel.title).toBe(PROMETHEUS_DATASOURCE.uid);
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          // Only metrics this stack exports: its services, the JMX exporters, and scrape health.
          expect(target.expr, panel.title).toMatch(/sensorwatch_|process_|kafka_|cassandra_|up\{job=/);
          expect(target.datasource?.uid).toBe(PROMETHEUS_DATASOURCE.uid);
        }
      }
    }
  });
});

describe('Grafana-managed alerting as code', () => {
  it('the committed provisioning file is exactly what the TypeScript source generates', () => {
    expect(readFileSync(ALERTING_FILE, 'utf8')).toBe(renderAlerting());
  });

  it('has the shape file provisioning wants: folder, interval, a query and a threshold per rule, hysteresis where set', () => {
    const document = parse(renderAlerting()) as {
      groups: Array<{
        folder: string;
        interval: string;
        rules: Array<{
          uid: string;
          condition: string;
          data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> }>;
        }>;
      }>;
      contactPoints: Array<{ receivers: Array<{ type: string }> }>;
      policies: Array<{ receiver: string }>;
    };
    const rules = document.groups.flatMap((g) => g.rules);
    expect(rules.length).toBe(Object.values(GRAFANA_RULES).flat().length);
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    for (const group of document.groups)
      expect(group).toMatchObject({ folder: 'sensorwatch', interval: '1m' });
    for (const rule of rules) {
      expect(rule.condition).toBe('C');
      expect(rule.data.map((d) => [d.refId, d.datasourceUid])).toEqual([
        ['A', PROMETHEUS_DATASOURCE.uid],
        ['C', '__expr__'],
      ]);
      expect(String(rule.data[0]?.model.expr)).toMatch(/sensorwatch_|up\{job=/);
    }
    const lag = rules.find((r) => r.uid === 'sw-consumer-lag');
    expect(lag?.data[1]?.model.conditions).toEqual([
      { evaluator: { type: 'gt', params: [10_000] }, unloadEvaluator: { type: 'lt', params: [2_000] } },
    ]);
    expect(document.contactPoints[0]?.receivers[0]?.type).toBe('prometheus-alertmanager');
    expect(document.policies[0]?.receiver).toBe('sensorwatch-alertmanager');
  });
});
