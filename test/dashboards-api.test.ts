import { beforeAll, describe, expect, it } from 'vitest';
import { renderDashboards } from '../grafana/src/index.js';
import { HOST, PIPELINE, PROMETHEUS } from '../stack/topology.js';
import { eventually } from './support/stack.js';

/** An Infinity query as the dashboards' JSON holds it. */
interface ApiTarget {
  url: string;
  root_selector: string;
  columns: Array<{ selector: string; text: string }>;
}

interface Dashboard {
  panels: Array<{ title: string; datasource?: { type?: string }; targets: ApiTarget[] }>;
  annotations?: {
    list?: Array<{
      name: string;
      datasource?: { type?: string };
      target?: ApiTarget;
      mappings?: Record<string, { value?: string }>;
    }>;
  };
  templating: { list: Array<{ name: string; query: string }> };
}

const INFINITY = 'yesoreyeram-infinity-datasource';

/** Every panel target and annotation of every dashboard that reads the API, with what it needs. */
const apiQueries = [...renderDashboards().entries()].flatMap(([file, json]) => {
  const dashboard = JSON.parse(json) as Dashboard;
  const variables = dashboard.templating.list;
  return [
    ...dashboard.panels
      .filter((panel) => panel.datasource?.type === INFINITY)
      .flatMap((panel) =>
        panel.targets.map((target) => ({ where: `${file} / ${panel.title}`, target, mapped: [], variables })),
      ),
    ...(dashboard.annotations?.list ?? [])
      .filter((a) => a.datasource?.type === INFINITY && a.target)
      .map((a) => ({
        where: `${file} / annotation ${a.name}`,
        target: a.target as ApiTarget,
        // The annotation's fields (time, end, title, text, tags) come from these columns.
        mapped: Object.values(a.mappings ?? {}).map((m) => m.value as string),
        variables,
      })),
  ];
});

const exporter = `http://${HOST}:${PIPELINE.exporter.port}`;

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * A variable's values as Grafana would find them: its label_values query resolved by the live
 * Prometheus, other variables in its selector taken as "All".
 */
async function variableValues(query: string): Promise<string[]> {
  const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
  if (!match) throw new Error(`not a label_values query: ${query}`);
  const [, selector, label] = match as unknown as [string, string, string];
  const series = selector.replace(/\$\w+/g, '.*');
  const { body } = await getJson(
    `http://${HOST}:${PROMETHEUS.port}/api/v1/label/${label}/values?match[]=${encodeURIComponent(series)}`,
  );
  return body.data as string[];
}

// Grafana cannot run here, so each API panel's request is made as Grafana would make it: its URL from
// the generated JSON, the variables and time range substituted, sent to the live pipeline's exporter
// (npm test starts it: with-stack --pipeline), with the datasource's address as the prefix.
describe('dashboards: every panel and annotation reading the API gets its columns from the live exporter', () => {
  const from = Date.now() - 3_600_000;
  const to = Date.now() + 60_000;
  let station: string;

  beforeAll(async () => {
    // The producers inject anomaly episodes: wait for the detector to have flagged one of a station the
    // dashboards' station variable offers.
    station = await eventually(
      'an anomaly of a live station',
      async () => {
        const { body } = await getJson(`${exporter}/api/anomalies/latest?limit=200`);
        const stations = await variableValues('label_values(sensorwatch_sensor_value, station)');
        const anomalies = (body.anomalies ?? []) as Array<{ stationId: string }>;
        return anomalies.find((a) => stations.includes(a.stationId))?.stationId;
      },
      240_000,
    );
  }, 300_000);

  it('finds the API panels and annotations to check', () => {
    expect(apiQueries.map((q) => q.where).sort()).toEqual(
      [
        'fleet-overview.json / Latest anomalies',
        'fleet-overview.json / Warnings in force',
        'station-detail.json / Latest anomalies of the station',
        'station-detail.json / Warnings in force in the station’s area',
        'station-detail.json / annotation Anomaly episodes',
      ].sort(),
    );
  });

  it.each(apiQueries)('$where', async ({ target, mapped, variables }) => {
    let url = target.url
      .replaceAll('${__from:date:iso}', new Date(from).toISOString())
      .replaceAll('${__to:date:iso}', new Date(to).toISOString())
      .replaceAll('${station:csv}', station);
    // Other variables as "All": every value the variable's query finds.
    for (const variable of variables) {
      const csv = `\${${variable.name}:csv}`;
      if (url.includes(csv)) url = url.replaceAll(csv, (await variableValues(variable.query)).join(','));
    }
    expect(url, 'every variable substituted').not.toMatch(/\$\{|\$\w/);

    const { status, body } = await getJson(`${exporter}${url}`);
    expect(status, JSON.stringify(body)).toBe(200);
    const rows = body[target.root_selector] as Array<Record<string, unknown>>;
    expect(Array.isArray(rows), `${target.root_selector} is a list`).toBe(true);
    for (const column of mapped) expect(target.columns.map((c) => c.text)).toContain(column);
    for (const row of rows) {
      for (const column of target.columns) expect(row, column.selector).toHaveProperty(column.selector);
    }
    // Rows are due wherever the range has some: the anomalies of the station found above; and, when the
    // feed has any warning in force, the fleet's warnings (a station's area may have none).
    const fleetWarnings = url.startsWith('/api/warnings') && !url.includes('station=');
    if (!url.startsWith('/api/warnings')) expect(rows.length, url).toBeGreaterThan(0);
    else if (fleetWarnings && ((await getJson(`${exporter}/api/warnings`)).body.count as number) > 0)
      expect(rows.length, url).toBeGreaterThan(0);
  });
});
