import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { latestAnomaliesPanel, warningsPanel } from './api-panels.js';
import { instantTable, labelVariable, promQuery, sensorwatchDashboard, timeseriesPanel } from './defaults.js';
import { QUERIES } from './queries.js';

export function fleetOverviewDashboard(): dashboard.DashboardBuilder {
  return sensorwatchDashboard(
    'sensorwatch-fleet-overview',
    'sensorwatch / Fleet overview',
    'The whole fleet at a glance: how much it reports, how much of it is anomalous and where, who has gone silent, and the citizen warnings in force.',
  )
    .withVariable(
      // "All" as every profile: the API panels take a list.
      labelVariable('profile', 'Profile', 'label_values(sensorwatch_readings_stored_total, profile)', 'each'),
    )
    .withPanel(
      timeseriesPanel('Readings per second', 'Readings stored, by profile.', 'reqps').withTarget(
        promQuery(QUERIES.storedRate, '{{profile}}'),
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Anomalies per second',
        'Readings judged anomalous, by profile and severity.',
        'reqps',
      ).withTarget(promQuery(QUERIES.anomalyRate, '{{profile}} {{severity}}')),
    )
    .withPanel(
      timeseriesPanel(
        'Citizen warnings in force',
        'Threshold rules firing now (config/profiles.yaml), with hysteresis: a warning stays until its value clears the lower limit.',
        'short',
      ).withTarget(promQuery(QUERIES.activeWarnings, '{{profile}} {{severity}}')),
    )
    .withPanel(
      timeseriesPanel(
        'Stations reporting',
        'Stations whose latest state the exporters hold, by profile.',
        'short',
      ).withTarget(promQuery(QUERIES.stationsReporting, '{{profile}}')),
    )
    .withPanel(latestAnomaliesPanel())
    .withPanel(warningsPanel())
    .withPanel(
      instantTable(
        'Top stations by anomalies (last hour)',
        'Minutes in the last hour in which the station’s latest reading was anomalous.',
        QUERIES.topAnomalousStations,
      ),
    )
    .withPanel(
      instantTable(
        'Longest silent stations',
        'Seconds since each station’s last reading, worst first; a station silent past EXPORTER_STALE_AFTER_S disappears.',
        QUERIES.silentStations,
      ),
    );
}
