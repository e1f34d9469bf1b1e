import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  labelVariable,
  PROMETHEUS_DATASOURCE,
  promQuery,
  sensorwatchDashboard,
  timeseriesPanel,
} from './defaults.js';
import { QUERIES, VARIABLE_QUERIES } from './queries.js';

const sensorValues = () =>
  timeseriesPanel(
    'Sensor values',
    'Each sensor’s latest value over time, from the exporter’s gauges, with its profile’s rule limits (dashed) and the station’s anomalies as annotations.',
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
  return sensorwatchDashboard(
    'sensorwatch-station-detail',
    'sensorwatch / Station detail',
    'One station (or several) up close: every sensor’s values, its anomaly scores and severity, and silence.',
  )
    .withVariable(labelVariable('profile', 'Profile', VARIABLE_QUERIES.profile))
    .withVariable(labelVariable('station', 'Station', VARIABLE_QUERIES.station))
    .withVariable(labelVariable('sensor', 'Sensor', VARIABLE_QUERIES.sensor))
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Anomalies')
        .datasource(PROMETHEUS_DATASOURCE)
        .enable(true)
        .iconColor('red')
        .expr(QUERIES.anomalyAnnotation)
        .step('15s')
        .titleFormat('{{station}} anomalous')
        .textFormat('{{profile}} station {{station}}: its latest reading was anomalous'),
    )
    .withPanel(sensorValues())
    .withPanel(forecastAgainstActual())
    .withPanel(anomalyScores())
    .withPanel(severity())
    .withPanel(silence());
}
