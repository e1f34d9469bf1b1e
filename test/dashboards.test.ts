import { beforeAll, describe, expect, it } from 'vitest';
import { renderDashboards } from '../grafana/src/index.js';
import { HOST, PROMETHEUS } from '../stack/topology.js';
import { writeDailyCycleCsv } from './support/history-csv.js';
import { runCli } from './support/service.js';
import { eventually, uniqueName } from './support/stack.js';

/** Grafana's variables as Grafana would fill them for "All" and a short range. */
function substituteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$profile', '.*')
    .replaceAll('$station', '.*')
    .replaceAll('$sensor', '.*');
}

const targets = [...renderDashboards().entries()].flatMap(([file, json]) => {
  const parsed = JSON.parse(json) as {
    panels: Array<{ title: string; targets: Array<{ expr?: string; refId: string }> }>;
    annotations?: { list?: Array<{ name: string; expr?: string }> };
  };
  return [
    // PromQL targets only: the API panels (Infinity) are checked by dashboards-api.test.ts.
    ...parsed.panels.flatMap((panel) =>
      panel.targets
        .filter((t) => t.expr !== undefined)
        .map((t) => ({ where: `${file} / ${panel.title} / ${t.refId}`, expr: t.expr as string })),
    ),
    ...(parsed.annotations?.list ?? [])
      .filter((a) => a.expr)
      .map((a) => ({ where: `${file} / annotation ${a.name}`, expr: a.expr as string })),
  ];
});

// Needs the pipeline running on the native stack (npm test starts it: with-stack --pipeline), so that
// Prometheus scrapes the producers, the detector and the exporter.
describe('dashboards: every panel query returns data from the live Prometheus', () => {
  // Forecast panels need forecasts and scored ones: a station's history, forecast as of a day ago and
  // again as of its end (in the default registry, which the stack's exporter exports).
  beforeAll(async () => {
    const station = uniqueName('forecast-dashboards');
    const { file, end } = writeDailyCycleCsv(station, 4);
    const run = async (entry: string, args: string[]) => {
      const result = await runCli(entry, args);
      if (result.code !== 0) throw new Error(`${entry} ${args.join(' ')} failed:\n${result.output}`);
    };
    await run('importer/cli.ts', [file, '--station', station]);
    const forecast = ['--profile', 'imported', '--station-prefix', station];
    await run('forecasting/cli.ts', [
      ...forecast,
      '--until',
      new Date(end - 24 * 3_600_000).toISOString(),
      '--rollup-days',
      '4',
    ]);
    await run('forecasting/cli.ts', [
      ...forecast,
      '--until',
      new Date(end).toISOString(),
      '--rollup-days',
      '5',
    ]);
  }, 120_000);

  it.each(targets)('$where', async ({ expr }) => {
    const query = substituteVariables(expr);
    const series = await eventually(
      `data for ${query}`,
      async () => {
        const url = `http://${HOST}:${PROMETHEUS.port}/api/v1/query?query=${encodeURIComponent(query)}`;
        const body = (await (await fetch(url)).json()) as {
          status: string;
          data?: { result: unknown[] };
          error?: string;
        };
        if (body.status !== 'success') throw new Error(body.error ?? 'query failed');
        return (body.data?.result.length ?? 0) > 0 ? body.data?.result : undefined;
      },
      120_000,
    );
    expect(series?.length).toBeGreaterThan(0);
  });
});
