import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS_DATASOURCE, promQuery, sensorwatchDashboard, timeseriesPanel } from './defaults.js';
import { QUERIES } from './queries.js';

// One function per panel: each says what question it answers.

const throughput = () =>
  timeseriesPanel(
    'Readings produced and stored',
    'Readings per second acknowledged by Kafka and stored in Cassandra.',
    'reqps',
  )
    .withTarget(promQuery(QUERIES.producedRate, 'produced {{profile}}', 'A'))
    .withTarget(promQuery(QUERIES.storedRate, 'stored {{profile}}', 'B'));

const lagMessages = () =>
  timeseriesPanel(
    'Consumer lag per partition',
    'Readings on each partition the detector has not processed yet.',
    'short',
  ).withTarget(promQuery(QUERIES.lagByPartition, 'partition {{partition}}'));

const lagSeconds = () =>
  timeseriesPanel(
    'Consumer lag in seconds',
    'How long the detector needs to clear its lag at the current storing rate.',
    's',
  ).withTarget(promQuery(QUERIES.lagSeconds, 'lag'));

const latencyHeatmap = () =>
  new heatmap.PanelBuilder()
    .title('End-to-end latency')
    .description('Reading timestamp to stored in Cassandra. Exemplars link to the trace of a reading.')
    .datasource(PROMETHEUS_DATASOURCE)
    .withTarget(
      promQuery(QUERIES.latencyHeatmap, '{{le}}').format(prometheus.PromQueryFormat.Heatmap).exemplar(true),
    )
    .height(8)
    .span(12);

const latencyQuantiles = () =>
  timeseriesPanel('End-to-end latency p50 / p99', 'Reading timestamp to stored in Cassandra.', 's')
    .withTarget(promQuery(QUERIES.latencyQuantile(0.5), 'p50', 'A'))
    .withTarget(promQuery(QUERIES.latencyQuantile(0.99), 'p99', 'B'));

const deadLetters = () =>
  timeseriesPanel(
    'Dead-lettered messages by reason',
    'Malformed or out-of-schema messages sent to the dead-letter topic.',
    'reqps',
  ).withTarget(promQuery(QUERIES.deadLetterRate, '{{code}}'));

const cassandraWrites = () =>
  timeseriesPanel(
    'Cassandra writes',
    'p99 time to store a chunk of readings, and failed writes per second.',
    's',
  )
    .withTarget(promQuery(QUERIES.cassandraWriteP99, 'write p99', 'A'))
    .withTarget(promQuery(QUERIES.cassandraWriteErrors, 'errors (retriable={{retriable}})', 'B'));

const stateCheckpoints = () =>
  timeseriesPanel(
    'Station state: checkpoint age and restore time',
    'Seconds since each partition’s learnt station state was last saved (a crash replays at most this much; it saw-tooths up to DETECTOR_CHECKPOINT_INTERVAL_MS and climbs while Cassandra is away), the p99 time a checkpoint takes, and each detector’s mean restore time on partition assignment.',
    's',
  )
    .withTarget(promQuery(QUERIES.checkpointAge, 'age partition {{partition}}', 'A'))
    .withTarget(promQuery(QUERIES.checkpointP99, 'checkpoint p99', 'B'))
    .withTarget(promQuery(QUERIES.restoreMeanSeconds, 'restore mean {{instance}}', 'C'));

const stateWrites = () =>
  timeseriesPanel(
    'Station state: checkpoint writes',
    'Bytes of station state written per second (only stations that changed since their last checkpoint).',
    'Bps',
  ).withTarget(promQuery(QUERIES.checkpointBytesRate, 'bytes', 'A'));

const stateRestores = () =>
  timeseriesPanel(
    'Station state: replays and cold starts',
    'Readings judged again after a restore (from the checkpoint to where the partition stood), station states written per second, and stations with a checkpoint that had to start cold (version: a model changed its state layout; damaged; stale: an earlier topic of the same name).',
    'reqps',
  )
    .withTarget(promQuery(QUERIES.stateReplayedRate, 'replayed readings', 'A'))
    .withTarget(promQuery(QUERIES.checkpointStationsRate, 'stations saved', 'B'))
    .withTarget(promQuery(QUERIES.stationsColdRate, 'cold ({{reason}})', 'C'));

const stationsHeld = () =>
  timeseriesPanel(
    'Station state: awake and dormant',
    'Stations of each detector’s partitions by where their learnt state is: awake (in the models, on the heap) or dormant (its checkpoint held deflated, about a tenth of the memory, until the station reads again: after a restore, or silent for DETECTOR_STATION_DORMANT_AFTER_MS).',
    'short',
  ).withTarget(promQuery(QUERIES.stationsHeld, '{{state}} {{instance}}'));

const detectorResources = () =>
  timeseriesPanel('Detector CPU and memory', 'CPU cores used and resident memory of each detector.', 'short')
    .withTarget(promQuery(QUERIES.detectorCpu, 'cpu {{instance}}', 'A'))
    .withTarget(promQuery(QUERIES.detectorMemory, 'rss {{instance}}', 'B'));

const detectorHeap = () =>
  timeseriesPanel(
    'Detector heap, share of its limit',
    'How full each detector’s V8 heap is: it holds its partitions’ stations (about 32 kB each), and a detector given too many dies of a full heap (SensorwatchDetectorHeapNearLimit fires past 85 % for 10 minutes).',
    'percentunit',
  ).withTarget(promQuery(QUERIES.detectorHeapShare, 'heap {{instance}}'));

const apiRequests = () =>
  timeseriesPanel(
    'API requests by route and status',
    'Requests per second to the exporter, by route pattern and status: 4xx are wrong requests (answered with a message), 429 the rate limit, 5xx unexpected failures (SensorwatchApiServerErrors).',
    'reqps',
  ).withTarget(promQuery(QUERIES.apiRequests, '{{route}} {{status}}'));

const apiLatency = () =>
  timeseriesPanel(
    'API latency p95 by route',
    'The 95th percentile of each route’s answer time (SensorwatchApiSlow fires above 250 ms for 10 minutes).',
    's',
  ).withTarget(promQuery(QUERIES.apiLatencyP95, '{{route}}'));

export function pipelineHealthDashboard(): dashboard.DashboardBuilder {
  return sensorwatchDashboard(
    'sensorwatch-pipeline-health',
    'sensorwatch / Pipeline health',
    'Is the pipeline keeping up? Rates, lag, latency, rejected readings, storage and the detector’s resources.',
  )
    .withPanel(throughput())
    .withPanel(lagMessages())
    .withPanel(latencyHeatmap())
    .withPanel(latencyQuantiles())
    .withPanel(lagSeconds())
    .withPanel(deadLetters())
    .withPanel(cassandraWrites())
    .withPanel(stateCheckpoints())
    .withPanel(stateWrites())
    .withPanel(stateRestores())
    .withPanel(stationsHeld())
    .withPanel(detectorResources())
    .withPanel(detectorHeap())
    .withPanel(apiRequests())
    .withPanel(apiLatency());
}
