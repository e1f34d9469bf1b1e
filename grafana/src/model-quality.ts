import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import {
  instantTable,
  labelVariable,
  PROMETHEUS_DATASOURCE,
  promQuery,
  sensorwatchDashboard,
  timeseriesPanel,
} from './defaults.js';
import { QUERIES } from './queries.js';

const modelsInUse = () =>
  instantTable(
    'Model versions in use',
    'The K-means and Isolation Forest version judging each profile; pinned = from the registry (npm run train, activate, rollback), otherwise trained by the detector itself.',
    QUERIES.modelInUse,
  );

const modelAge = () =>
  timeseriesPanel(
    'Age of the training data',
    'Time since the newest reading the version in use was trained on.',
    's',
  ).withTarget(promQuery(QUERIES.modelAgeSeconds, '{{profile}}'));

const drift = () =>
  timeseriesPanel(
    'Feature drift (PSI)',
    'Population Stability Index of each model feature, recent normal readings against the training window. Above 0.25 the SensorwatchFeatureDrift alert fires (and, with DETECTOR_DRIFT_ACTION=retrain, the detector retrains).',
    'short',
  )
    .withTarget(promQuery(QUERIES.featureDrift, '{{profile}} {{feature}}'))
    .span(24);

const precision = () =>
  timeseriesPanel(
    'Live precision by profile',
    'Share of flagged labelled readings that carried an injected anomaly (simulated stations only).',
    'percentunit',
  )
    .withTarget(promQuery(QUERIES.livePrecision, '{{profile}}'))
    .min(0)
    .max(1);

const recall = () =>
  timeseriesPanel(
    'Live recall by anomaly type',
    'Share of readings carrying an injected anomaly that were flagged, per type (per reading: the first readings of a slow drift are hard to see by design).',
    'percentunit',
  )
    .withTarget(promQuery(QUERIES.liveRecallByKind, '{{kind}}'))
    .min(0)
    .max(1);

const scoreDistribution = () =>
  new heatmap.PanelBuilder()
    .title('Verdict score distribution')
    .description(
      'Every reading’s score in σ equivalents (warning at 3, critical at 5 by default). Exemplars open the trace of a sampled reading.',
    )
    .datasource(PROMETHEUS_DATASOURCE)
    .withTarget(
      promQuery(QUERIES.anomalyScoreHeatmap, '{{le}}')
        .format(prometheus.PromQueryFormat.Heatmap)
        .exemplar(true),
    )
    .height(8)
    .span(24);

const findings = () =>
  timeseriesPanel(
    'Findings by model and kind',
    'Which model raised the findings behind anomalies: statistics (level, jump, trend, stuck, missing), K-means (cluster), Isolation Forest (isolation), rules.',
    'reqps',
  )
    .withTarget(promQuery(QUERIES.findingsByModel, '{{model}} {{kind}}'))
    .span(24);

const forecastAccuracy = () =>
  instantTable(
    'Forecast accuracy',
    'RMSE, MAE, R² and MAPE (%) of the hourly forecasts scored as actuals arrived, Holt-Winters beside the seasonal-naive baseline (the same hour a day earlier). Written by npm run forecast.',
    QUERIES.forecastAccuracy,
  );

const forecastVsBaseline = () =>
  timeseriesPanel(
    'Forecast RMSE relative to the seasonal-naive baseline',
    'Below 1: Holt-Winters forecasts better than repeating yesterday.',
    'percentunit',
  ).withTarget(promQuery(QUERIES.forecastRmseVsBaseline, '{{profile}}'));

export function modelQualityDashboard(): dashboard.DashboardBuilder {
  return sensorwatchDashboard(
    'sensorwatch-model-quality',
    'sensorwatch / Model quality',
    'Which model versions judge each profile, how far their features have drifted, and live precision and recall on labelled readings.',
  )
    .withVariable(
      labelVariable('profile', 'Profile', 'label_values(sensorwatch_readings_stored_total, profile)'),
    )
    .withPanel(modelsInUse())
    .withPanel(modelAge())
    .withPanel(drift())
    .withPanel(precision())
    .withPanel(recall())
    .withPanel(scoreDistribution())
    .withPanel(findings())
    .withPanel(forecastAccuracy())
    .withPanel(forecastVsBaseline());
}
