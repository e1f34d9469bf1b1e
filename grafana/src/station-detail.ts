import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  anomalyEpisodesAnnotation,
  areaWarningsPanel,
  STATION_DETAIL_UID,
  stationAnomaliesPanel,
} from './api-panels.js';
import { labelVariable, promQuery, sensorwatchDashboard, timeseriesPanel } from './defaults.js';
import { QUERIES, VARIABLE_QUERIES } from './queries.js';

const sensorValues = () =>
  timeseriesPanel(
    'Sensor values',
    'Each sensor’s latest value over time, from the exporter’s gauges, with its profile’s rule limits (dashed) and the station’s anomaly episodes as annotations (hover one for its explanation).',
    'short',
  )
    .withTarget(promQuery(QUERIES.sensorValue, '{{station}} {{sensor}}'))
    .withTarget(promQuery(QUERIES.ruleLimits, '{{severity}} limit {{sensor}}', 'B'))
    .span(24);

const forecastAgainstActual = () =>
  timeseriesPanel(
    'Forecast against actual',
    'The batch job’s forecast of each sensor’s hourly mean (npm run forecast: Holt-Winters with daily seasonality) with its 95 % interval, against the live value. A reading far outside the interval is flagged by the detector’s forecast model.',
    'short',
  )
    .withTarget(promQuery(QUERIES.forecast, '{{station}} {{sensor}} {{bound}}'))
    .withTarget(promQuery(QUERIES.sensorValue, '{{station}} {{sensor}} actual', 'B'))
    .span(24);

const anomalyScores = () =>
  timeseriesPanel(
    'Anomaly score |z|',
    'How far each sensor is from its moving baseline, in standard deviations.',
    'short',
  ).withTarget(promQuery(QUERIES.sensorScore, '{{station}} {{sensor}}'));

const severity = () =>
  timeseriesPanel(
    'Severity',
    'Severity of each station’s latest reading: 0 normal, 1 warning, 2 critical.',
    'short',
  )
    .withTarget(promQuery(QUERIES.stationSeverity, '{{station}}'))
    .min(0)
    .max(2);

const silence = () =>
  timeseriesPanel('Seconds since the last reading', 'How long each station has been silent.', 's').withTarget(
    promQuery(QUERIES.stationSilentSeconds, '{{station}}'),
  );

export function stationDetailDashboard(): dashboard.DashboardBuilder {
  return (
    sensorwatchDashboard(
      STATION_DETAIL_UID,
      'sensorwatch / Station detail',
      'One station (or several) up close: every sensor’s values with its anomaly episodes, its anomaly scores and severity, silence, its latest anomalies with their explanations, and the warnings in force in its area.',
    )
      .withVariable(labelVariable('profile', 'Profile', VARIABLE_QUERIES.profile))
      // No "All": the API panels name stations (at most 20), and a detail view is of a few.
      .withVariable(labelVariable('station', 'Station', VARIABLE_QUERIES.station, 'none'))
      .withVariable(labelVariable('sensor', 'Sensor', VARIABLE_QUERIES.sensor))
      .annotation(anomalyEpisodesAnnotation())
      .withPanel(sensorValues())
      .withPanel(forecastAgainstActual())
      .withPanel(anomalyScores())
      .withPanel(severity())
      .withPanel(silence())
      .withPanel(areaWarningsPanel().span(12))
      .withPanel(stationAnomaliesPanel())
  );
}
