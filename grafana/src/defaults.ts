import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The Prometheus datasource provisioned in grafana/provisioning/datasources with this fixed uid. */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'sensorwatch-prometheus' } as const;

export function promQuery(expr: string, legend = '', refId = 'A'): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(PROMETHEUS_DATASOURCE)
    .expr(expr)
    .legendFormat(legend || '__auto')
    .refId(refId);
}

/** A time series panel with the project's defaults: Prometheus datasource, legend as a table at the bottom. */
export function timeseriesPanel(title: string, description: string, unit: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(unit)
    .lineWidth(1)
    .fillOpacity(10)
    .height(8)
    .span(12);
}

/** A dashboard with the project's defaults: pinned uid, tags, shared crosshair, 30 s refresh. */
export function sensorwatchDashboard(
  uid: string,
  title: string,
  description: string,
): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['sensorwatch'])
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('utc');
}

/**
 * A multi-valued query variable over label values. "All" is offered as `.*` (`regex`, cheapest for PromQL
 * over many values), as every value (`each`: panels reading the API take a list, `${name:csv}`, which
 * `.*` is not), or not at all (`none`).
 */
export function labelVariable(
  name: string,
  label: string,
  query: string,
  all: 'regex' | 'each' | 'none' = 'regex',
): dashboard.QueryVariableBuilder {
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS_DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(all !== 'none');
  return all === 'regex' ? variable.allValue('.*') : variable;
}

/** A table panel with the project's size. */
export function tablePanel(title: string, description: string): table.PanelBuilder {
  return new table.PanelBuilder().title(title).description(description).height(8).span(12);
}

/** A table of an instant query: the current value of each series, one row per series. */
export function instantTable(title: string, description: string, expr: string): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS_DATASOURCE)
    .withTarget(
      promQuery(expr).instant().format(prometheus.PromQueryFormat.Table) as prometheus.DataqueryBuilder,
    )
    .height(8)
    .span(12);
}
