import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * The exporter's REST API as a Grafana datasource: the Infinity plugin, provisioned in
 * grafana/provisioning/datasources with this fixed uid and the exporter's address, so a query names
 * only the path. Panels reading it show what Prometheus cannot hold: the anomalies' explanations.
 */
export const API_DATASOURCE = { type: 'yesoreyeram-infinity-datasource', uid: 'sensorwatch-api' } as const;

/** The Infinity plugin, at the version compose installs (3.7.2 needs Grafana 11.6 or later). */
export const INFINITY_PLUGIN = { id: API_DATASOURCE.type, version: '3.7.2' } as const;

/** Grafana's time range as the API takes it (ISO 8601 UTC). */
export const TIME_RANGE_PARAMS = 'from=${__from:date:iso}&to=${__to:date:iso}';

/** One column of an API table: the JSON field it reads, its heading and its type. */
export interface ApiColumn {
  readonly selector: string;
  readonly text: string;
  readonly type: 'string' | 'number' | 'timestamp';
}

/**
 * An Infinity query of one API path: JSON parsed by the plugin's backend parser (which alerting and
 * shared dashboards need too), the rows at `rootSelector`, the named columns.
 */
class ApiQuery implements cog.Dataquery {
  readonly datasource = API_DATASOURCE;
  readonly type = 'json';
  readonly source = 'url';
  readonly parser = 'backend';
  readonly format = 'table';
  readonly url_options = { method: 'GET', data: '' };

  constructor(
    readonly refId: string,
    readonly url: string,
    readonly root_selector: string,
    readonly columns: readonly ApiColumn[],
  ) {}

  _implementsDataqueryVariant(): void {}
}

export function apiQuery(
  url: string,
  rootSelector: string,
  columns: readonly ApiColumn[],
  refId = 'A',
): cog.Builder<cog.Dataquery> {
  return { build: () => new ApiQuery(refId, url, rootSelector, columns) };
}

/** How an annotation's fields come from an API row: each names the row's field. */
export function fieldMappings(
  fields: Partial<Record<'time' | 'timeEnd' | 'title' | 'text' | 'tags', string>>,
): Record<string, cog.Builder<dashboard.AnnotationEventFieldMapping>> {
  return Object.fromEntries(
    Object.entries(fields).map(([event, field]) => [
      event,
      new dashboard.AnnotationEventFieldMappingBuilder()
        .source(dashboard.AnnotationEventFieldSource.Field)
        .value(field as string),
    ]),
  );
}
