import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS_DATASOURCE } from './src/defaults.js';
import { DASHBOARDS_DIR, renderDashboards } from './src/index.js';

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
