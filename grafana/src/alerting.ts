import { stringify } from 'yaml';
import { PROMETHEUS_DATASOURCE } from './defaults.js';

/**
 * Grafana-managed alert rules, contact point and notification policy, provisioned from
 * grafana/provisioning/alerting/sensorwatch.yml (generated from this file by `npm run dashboards`). They
 * mirror the Prometheus rules of prometheus/rules/, for teams who manage alerts in Grafana. File
 * provisioning wants a folder title and an interval, unlike the HTTP API's shape.
 */

interface GrafanaRule {
  readonly uid: string;
  readonly title: string;
  /** An instant PromQL query; each series it returns is one alert instance. */
  readonly expr: string;
  readonly comparison: 'gt' | 'lt';
  readonly threshold: number;
  /** Hysteresis: once firing, the rule recovers only past this value (Grafana's unloadEvaluator). */
  readonly recovery?: number;
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  readonly summary: string;
  readonly description: string;
}

const FOLDER = 'sensorwatch';
const INTERVAL = '1m';

/** The rules, grouped as in prometheus/rules/. `{{ $labels.x }}` and `{{ $values.A }}` are Grafana's templating. */
export const GRAFANA_RULES: Record<string, readonly GrafanaRule[]> = {
  pipeline: [
    {
      uid: 'sw-pipeline-stalled',
      title: 'Pipeline stalled',
      // 1 while producing and not storing (including: no detector reports at all); no series otherwise.
      expr: '(sum(rate(sensorwatch_readings_produced_total[5m])) > bool 0) unless (sum(rate(sensorwatch_readings_stored_total[5m])) > 0)',
      comparison: 'gt',
      threshold: 0,
      for: '5m',
      severity: 'critical',
      summary: 'Readings are produced but none has been stored for 5 minutes',
      description: 'The detector is down, stuck, or cannot write to Cassandra; readings wait in Kafka.',
    },
    {
      uid: 'sw-consumer-lag',
      title: 'Consumer lag high',
      expr: 'sum(sensorwatch_consumer_lag_messages)',
      comparison: 'gt',
      threshold: 10_000,
      recovery: 2_000,
      for: '10m',
      severity: 'warning',
      summary: 'The detector is {{ $values.A }} readings behind',
      description:
        'Readings arrive faster than the detector stores them; it recovers once lag is below 2 000.',
    },
    {
      uid: 'sw-dead-letters',
      title: 'Dead letters',
      expr: 'sum by (code) (increase(sensorwatch_readings_dead_lettered_total[5m]))',
      comparison: 'gt',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: '{{ $values.A }} messages rejected in 5 minutes ({{ $labels.code }})',
      description:
        'Malformed messages went to the dead-letter topic with their reason; nothing valid was dropped.',
    },
    {
      uid: 'sw-cassandra-write-errors',
      title: 'Cassandra write errors',
      expr: 'sum(rate(sensorwatch_cassandra_write_errors_total[5m]))',
      comparison: 'gt',
      threshold: 0,
      for: '2m',
      severity: 'critical',
      summary: 'The detector’s Cassandra writes are failing',
      description:
        'It retries with backoff and commits nothing meanwhile, so lag grows until Cassandra accepts writes.',
    },
    {
      uid: 'sw-exporter-down',
      title: 'Exporter down',
      expr: 'max(up{job="exporter"})',
      comparison: 'lt',
      threshold: 1,
      for: '2m',
      severity: 'critical',
      summary: 'No exporter is being scraped',
      description: 'Station gauges are stale, so every station panel and fleet alert goes blind.',
    },
  ],
  fleet: [
    {
      uid: 'sw-station-anomaly-rate',
      title: 'Station anomaly rate high',
      expr: 'avg_over_time((sensorwatch_station_anomaly_severity > bool 0)[15m:1m])',
      comparison: 'gt',
      threshold: 0.2,
      recovery: 0.1,
      for: '5m',
      severity: 'warning',
      summary: '{{ $labels.station }} anomalous in {{ $values.A }} of the last 15 minutes',
      description: 'A failing machine or sensor, or a station whose normal has shifted; recovers below 10 %.',
    },
    {
      uid: 'sw-citizen-warning-critical',
      title: 'Critical citizen warning',
      expr: 'sum by (profile, sensor) (sensorwatch_active_warnings{severity="critical"})',
      comparison: 'gt',
      threshold: 0,
      for: '0s',
      severity: 'critical',
      summary: '{{ $labels.profile }}: a critical {{ $labels.sensor }} rule is firing',
      description:
        'A critical threshold rule of config/profiles.yaml holds (with its own hysteresis) at some station.',
    },
  ],
  models: [
    {
      uid: 'sw-feature-drift',
      title: 'Feature drift',
      expr: 'max by (profile, feature) (sensorwatch_feature_drift_psi)',
      comparison: 'gt',
      threshold: 0.25,
      recovery: 0.1,
      for: '15m',
      severity: 'warning',
      summary: '{{ $labels.profile }}: {{ $labels.feature }} has drifted (PSI {{ $values.A }})',
      description: 'Retrain with npm run train, or run the detector with DETECTOR_DRIFT_ACTION=retrain.',
    },
  ],
  api: [
    {
      uid: 'sw-api-server-errors',
      title: 'API server errors',
      expr: 'sum by (route) (increase(sensorwatch_http_request_duration_seconds_count{status=~"5.."}[5m]))',
      comparison: 'gt',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      summary: 'The API answered {{ $values.A }} server error(s) on {{ $labels.route }} in 5 minutes',
      description:
        'Every wrong request gets a 4xx: a 5xx is an unexpected failure, logged by the exporter with its path.',
    },
    {
      uid: 'sw-api-slow',
      title: 'API slow',
      expr: 'histogram_quantile(0.95, sum by (le) (rate(sensorwatch_http_request_duration_seconds_bucket{route=~"/api/.*"}[5m])))',
      comparison: 'gt',
      threshold: 0.25,
      recovery: 0.1,
      for: '10m',
      severity: 'warning',
      summary: 'API p95 latency is {{ $values.A }} s',
      description:
        'Above 250 ms for 10 minutes (the load-test target is 50 ms at 200 requests/s): check Cassandra read latency and the host CPU.',
    },
  ],
};

function ruleModel(rule: GrafanaRule) {
  const condition: Record<string, unknown> = {
    evaluator: { type: rule.comparison, params: [rule.threshold] },
  };
  if (rule.recovery !== undefined) {
    condition.unloadEvaluator = { type: rule.comparison === 'gt' ? 'lt' : 'gt', params: [rule.recovery] };
  }
  return {
    uid: rule.uid,
    title: rule.title,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 900, to: 0 },
        datasourceUid: PROMETHEUS_DATASOURCE.uid,
        model: { refId: 'A', expr: rule.expr, instant: true, range: false },
      },
      {
        refId: 'C',
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: '__expr__',
        model: { refId: 'C', type: 'threshold', expression: 'A', conditions: [condition] },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: rule.for,
    labels: { severity: rule.severity },
    annotations: { summary: rule.summary, description: rule.description },
  };
}

/** The provisioning file, as YAML. */
export function renderAlerting(): string {
  const document = {
    apiVersion: 1,
    groups: Object.entries(GRAFANA_RULES).map(([name, rules]) => ({
      orgId: 1,
      name: `sensorwatch-${name}`,
      folder: FOLDER,
      interval: INTERVAL,
      rules: rules.map(ruleModel),
    })),
    contactPoints: [
      {
        orgId: 1,
        name: 'sensorwatch-alertmanager',
        receivers: [
          {
            // Grafana's alerts join the Prometheus ones in the stack's Alertmanager, which routes them all.
            uid: 'sw-alertmanager',
            type: 'prometheus-alertmanager',
            settings: { url: 'http://alertmanager:9093' },
          },
        ],
      },
    ],
    policies: [
      {
        orgId: 1,
        receiver: 'sensorwatch-alertmanager',
        group_by: ['grafana_folder', 'alertname'],
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '4h',
      },
    ],
  };
  return `# Generated by \`npm run dashboards\` from grafana/src/alerting.ts; edit that, not this.\n${stringify(document, { lineWidth: 0 })}`;
}
