import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as table from '@grafana/grafana-foundation-sdk/table';
import { API_DATASOURCE, type ApiColumn, apiQuery, fieldMappings, TIME_RANGE_PARAMS } from './api-queries.js';
import { tablePanel } from './defaults.js';

/** The station detail dashboard's uid, which links from other dashboards open. */
export const STATION_DETAIL_UID = 'sensorwatch-station-detail';

/** The columns of an anomaly row (GET /api/anomalies/latest), as a table shows them. */
const ANOMALY_COLUMNS: readonly ApiColumn[] = [
  { selector: 'ts', text: 'Time', type: 'timestamp' },
  { selector: 'stationId', text: 'Station', type: 'string' },
  { selector: 'profile', text: 'Profile', type: 'string' },
  { selector: 'severity', text: 'Severity', type: 'string' },
  { selector: 'score', text: 'Score', type: 'number' },
  { selector: 'explanation', text: 'Explanation', type: 'string' },
  { selector: 'modelVersion', text: 'Model version', type: 'string' },
];

const WARNING_COLUMNS: readonly ApiColumn[] = [
  { selector: 'since', text: 'Since', type: 'timestamp' },
  { selector: 'severity', text: 'Severity', type: 'string' },
  { selector: 'stationId', text: 'Station', type: 'string' },
  { selector: 'profile', text: 'Profile', type: 'string' },
  { selector: 'message', text: 'Warning', type: 'string' },
  { selector: 'sensor', text: 'Sensor', type: 'string' },
  { selector: 'value', text: 'Value', type: 'number' },
  { selector: 'threshold', text: 'Limit', type: 'number' },
  { selector: 'updatedAt', text: 'Last reading', type: 'timestamp' },
];

/** Severity cells coloured as the rest of the dashboards colour them. */
const severityColours: dashboard.DynamicConfigValue[] = [
  {
    id: 'mappings',
    value: [
      {
        type: 'value',
        options: {
          warning: { color: 'orange', index: 0 },
          critical: { color: 'red', index: 1 },
        },
      },
    ],
  },
  { id: 'custom.cellOptions', value: { type: 'color-text' } },
];

/** The Station column opens the station detail dashboard on that station, over the same time range. */
const stationLink: dashboard.DynamicConfigValue[] = [
  {
    id: 'links',
    value: [
      {
        title: 'Station detail: ${__value.raw}',
        url: `/d/${STATION_DETAIL_UID}/?var-station=\${__value.raw}&\${__url_time_range}`,
      },
    ],
  },
];

function anomaliesTable(title: string, description: string, params: string): table.PanelBuilder {
  return tablePanel(title, description)
    .datasource(API_DATASOURCE)
    .withTarget(
      apiQuery(`/api/anomalies/latest?${params}&${TIME_RANGE_PARAMS}`, 'anomalies', ANOMALY_COLUMNS),
    )
    .overrideByName('Severity', severityColours)
    .overrideByName('Station', stationLink)
    .overrideByName('Explanation', [{ id: 'custom.width', value: 480 }])
    .span(24);
}

/** The fleet's newest anomalies in the dashboard's time range and profiles, each with its explanation. */
export function latestAnomaliesPanel(): table.PanelBuilder {
  return anomaliesTable(
    'Latest anomalies',
    'The newest anomalies in the time range (at most 200), from the stored history through the exporter’s API: which station, how severe, which model flagged it and why. A station opens its detail dashboard over the same range.',
    'profile=${profile:csv}&limit=200',
  );
}

/** The selected stations' newest anomalies, each with its explanation. */
export function stationAnomaliesPanel(): table.PanelBuilder {
  return anomaliesTable(
    'Latest anomalies of the station',
    'This station’s newest anomalies in the time range (at most 100), each with the explanation the detector stored: the sensors, the model and the figures behind the verdict.',
    'station=${station:csv}&limit=100',
  );
}

function warningsTable(title: string, description: string, params: string): table.PanelBuilder {
  return tablePanel(title, description)
    .datasource(API_DATASOURCE)
    .withTarget(apiQuery(`/api/warnings?${params}`, 'warnings', WARNING_COLUMNS))
    .overrideByName('Severity', severityColours)
    .overrideByName('Station', stationLink)
    .span(24);
}

/** The citizen warnings feed: what is in force now, since when, where. */
export function warningsPanel(): table.PanelBuilder {
  return warningsTable(
    'Warnings in force',
    'The citizen-facing warnings feed (GET /api/warnings): each threshold rule in force now, critical first, with the station it fired at, since when, its value against the limit, and the reading that last refreshed it. A warning drops out once its value clears the rule’s hysteresis.',
    'profile=${profile:csv}',
  );
}

/** The warnings in force in the areas of the selected stations. */
export function areaWarningsPanel(): table.PanelBuilder {
  return warningsTable(
    'Warnings in force in the station’s area',
    'Threshold warnings in force now at any station of the same area (the station id without its last part), the way a resident near the station would see them.',
    'station=${station:csv}',
  );
}

/**
 * The selected stations' anomaly episodes as annotations: a band from an episode's first anomalous
 * reading to its last, its explanation in the tooltip.
 */
export function anomalyEpisodesAnnotation(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Anomaly episodes')
    .datasource(API_DATASOURCE)
    .enable(true)
    .iconColor('red')
    .target(
      apiQuery(
        `/api/anomalies/episodes?station=\${station:csv}&${TIME_RANGE_PARAMS}`,
        'episodes',
        [
          { selector: 'start', text: 'start', type: 'timestamp' },
          { selector: 'end', text: 'end', type: 'timestamp' },
          { selector: 'title', text: 'title', type: 'string' },
          { selector: 'explanation', text: 'explanation', type: 'string' },
          { selector: 'severity', text: 'severity', type: 'string' },
        ],
        'Anno',
      ),
    )
    .mappings(
      fieldMappings({
        time: 'start',
        timeEnd: 'end',
        title: 'title',
        text: 'explanation',
        tags: 'severity',
      }),
    );
}
