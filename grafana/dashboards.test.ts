import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_DATASOURCE } from './src/api-queries.js';
import { PROMETHEUS_DATASOURCE } from './src/defaults.js';
import { DASHBOARDS_DIR, renderDashboards } from './src/index.js';

interface Panel {
  title?: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr?: string; url?: string; datasource?: { uid?: string } }>;
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

  it('pins a unique uid per dashboard; panels query the provisioned Prometheus, or the API through the provisioned Infinity datasource', () => {
    const dashboards = [...rendered.values()].map(
      (json) =>
        JSON.parse(json) as {
          uid: string;
          panels: Panel[];
          annotations?: { list?: Array<{ name: string; datasource?: { uid?: string } }> };
        },
    );
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    const provisioned = (
      parse(
        readFileSync(
          path.join(DASHBOARDS_DIR, '..', 'provisioning', 'datasources', 'datasources.yml'),
          'utf8',
        ),
      ) as {
        datasources: Array<{ uid: string; type: string }>;
      }
    ).datasources;
    const typeOf = new Map(provisioned.map((d) => [d.uid, d.type]));
    expect(typeOf.get(PROMETHEUS_DATASOURCE.uid)).toBe(PROMETHEUS_DATASOURCE.type);
    expect(typeOf.get(API_DATASOURCE.uid)).toBe(API_DATASOURCE.type);
    let apiPanels = 0;
    for (const d of dashboards) {
      expect(d.panels.length).toBeGreaterThan(0);
      for (const panel of d.panels) {
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        if (panel.datasource?.uid === API_DATASOURCE.uid) {
          apiPanels += 1;
          for (const target of panel.targets ?? []) {
            expect(target.datasource?.uid).toBe(API_DATASOURCE.uid);
            expect(target.url, panel.title).toMatch(/^\/api\//);
          }
          continue;
        }
        expect(panel.datasource?.uid, panel.title).toBe(PROMETHEUS_DATASOURCE.uid);
        for (const target of panel.targets ?? []) {
          // Only metrics this stack exports: its services, the JMX exporters, and scrape health.
          expect(target.expr, panel.title).toMatch(/sensorwatch_|process_|kafka_|cassandra_|up\{job=/);
          expect(target.datasource?.uid).toBe(PROMETHEUS_DATASOURCE.uid);
        }
      }
      for (const annotation of d.annotations?.list ?? []) {
        if (annotation.datasource?.uid === '-- Grafana --' || annotation.name === 'Annotations & Alerts')
          continue;
        expect(typeOf.has(annotation.datasource?.uid ?? ''), annotation.name).toBe(true);
      }
    }
    expect(apiPanels).toBeGreaterThanOrEqual(4);
  });
});
