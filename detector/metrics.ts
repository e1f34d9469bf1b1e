import { getHeapStatistics } from 'node:v8';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type OpenMetricsContentType,
  Registry,
} from 'prom-client';
import { profileNames, profiles, sensorsOf } from '../common/reading/profiles.js';
import { ANOMALY_KINDS, REJECTION_CODES } from '../common/reading/reading.js';
import type { MODEL_NAMES } from '../scoring/config.js';
import type { ModelBundle } from '../scoring/model-bundle.js';
import type { DefaultScoringCore } from '../scoring/scoring-core.js';
import type { ModelLifecycle } from '../training/model-lifecycle.js';
import { COLD_REASONS } from './state-checkpoints.js';

/** How a labelled (simulated) reading's verdict compares with its ground truth. */
export const QUALITY_OUTCOMES = ['true_positive', 'false_negative', 'false_positive'] as const;

/** The kinds of evidence each model reports, for the findings counter. */
const FINDING_KINDS: Record<(typeof MODEL_NAMES)[number], readonly string[]> = {
  stats: ['level', 'jump', 'trend', 'stuck', 'saturated', 'activity', 'rate', 'missing'],
  kmeans: ['cluster'],
  isolation_forest: ['isolation'],
  rules: ['rule'],
  seasonal: ['seasonal'],
  forecast: ['forecast'],
};

/**
 * The detector's metrics on a registry of its own. Every label has a bounded set of values (profiles,
 * sensors, severities, rejection codes, partitions): never a station or reading id.
 */
export function createDetectorMetrics() {
  // OpenMetrics, so the latency histogram can carry exemplars (the trace id of a sampled reading).
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  collectDefaultMetrics({ register: registry });
  // The heap's cap (--max-old-space-size and the young generation), for the alert on heap use near it: a
  // detector holds its stations' state on the heap, and one given too many dies of it.
  new Gauge({
    name: 'sensorwatch_detector_heap_limit_bytes',
    help: 'The V8 heap size this detector may grow to; nodejs_heap_size_used_bytes over it is how full it is.',
    registers: [registry],
  }).set(getHeapStatistics().heap_size_limit);
  const registers = [registry];
  return {
    registry,
    consumed: new Counter({
      name: 'sensorwatch_readings_consumed_total',
      help: 'Messages read from the readings topic, valid or not.',
      registers,
    }),
    stored: new Counter({
      name: 'sensorwatch_readings_stored_total',
      help: 'Valid readings written to Cassandra.',
      labelNames: ['profile'] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: 'sensorwatch_readings_dead_lettered_total',
      help: 'Malformed or out-of-schema messages sent to the dead-letter topic, by reason.',
      labelNames: ['code'] as const,
      registers,
    }),
    anomalies: new Counter({
      name: 'sensorwatch_anomalies_total',
      help: 'Readings judged anomalous, by profile, worst sensor and severity.',
      labelNames: ['profile', 'sensor', 'severity'] as const,
      registers,
    }),
    quality: new Counter({
      name: 'sensorwatch_detection_quality_readings_total',
      help: 'Labelled readings by how the verdict matched the injected ground truth: true_positive and false_negative by anomaly kind, false_positive (kind "none") for flags on normal readings. precision = tp / (tp + fp), recall = tp / (tp + fn).',
      labelNames: ['profile', 'kind', 'outcome'] as const,
      registers,
    }),
    findings: new Counter({
      name: 'sensorwatch_detector_findings_total',
      help: 'Findings at warning or worse, by the model and kind of evidence that made them.',
      labelNames: ['profile', 'model', 'kind'] as const,
      registers,
    }),
    endToEndSeconds: new Histogram({
      name: 'sensorwatch_end_to_end_latency_seconds',
      help: 'Time from a reading’s timestamp until it is stored in Cassandra (exemplars: trace ids).',
      enableExemplars: true,
      labelNames: ['profile'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    anomalyScore: new Histogram({
      name: 'sensorwatch_anomaly_score',
      help: 'The verdict score of every reading (σ equivalents; ≥ 3 warning, ≥ 5 critical by default), by profile (exemplars: trace ids).',
      labelNames: ['profile'] as const,
      buckets: [0.5, 1, 2, 3, 4, 5, 7, 10, 20, 50],
      enableExemplars: true,
      registers,
    }),
    cassandraWriteSeconds: new Histogram({
      name: 'sensorwatch_cassandra_write_seconds',
      help: 'Time to write one chunk of readings (all its rows, concurrently) to Cassandra.',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    cassandraWriteErrors: new Counter({
      name: 'sensorwatch_cassandra_write_errors_total',
      help: 'Failed Cassandra writes; the chunk is retried and its offsets are not committed meanwhile.',
      labelNames: ['retriable'] as const,
      registers,
    }),
    consumerLag: new Gauge({
      name: 'sensorwatch_consumer_lag_messages',
      help: 'Messages on a readings partition not yet processed by this detector (high watermark − next offset).',
      labelNames: ['partition'] as const,
      registers,
    }),
    checkpointSeconds: new Histogram({
      name: 'sensorwatch_detector_checkpoint_duration_seconds',
      help: 'Time to take one partition’s state checkpoint: export the changed stations, write them, commit the offset.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    checkpointBytes: new Counter({
      name: 'sensorwatch_detector_checkpoint_bytes_total',
      help: 'Bytes of station state written by checkpoints.',
      registers,
    }),
    checkpointStations: new Counter({
      name: 'sensorwatch_detector_checkpoint_stations_total',
      help: 'Station states written by checkpoints (only stations that changed since the last one).',
      registers,
    }),
    checkpointErrors: new Counter({
      name: 'sensorwatch_detector_checkpoint_errors_total',
      help: 'Checkpoints abandoned before their state was written; the offset stays uncommitted and the next one writes the stations.',
      registers,
    }),
    stateRestoreSeconds: new Histogram({
      name: 'sensorwatch_detector_state_restore_seconds',
      help: 'Time to restore one assigned partition’s station state from its checkpoint.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    stateRestoredStations: new Counter({
      name: 'sensorwatch_detector_state_restored_stations_total',
      help: 'Stations whose learnt state was restored from a checkpoint on partition assignment.',
      registers,
    }),
    stationsCold: new Counter({
      name: 'sensorwatch_detector_stations_cold_total',
      help: 'Stations with a checkpoint that start cold instead: version (a model changed its state layout), damaged (unreadable), stale (offsets of an earlier topic).',
      labelNames: ['reason'] as const,
      registers,
    }),
    stationsWoken: new Counter({
      name: 'sensorwatch_detector_stations_woken_total',
      help: 'Dormant station states put back into the models by the station’s next reading (after a restore, or after it fell silent).',
      registers,
    }),
    stationsSlept: new Counter({
      name: 'sensorwatch_detector_stations_slept_total',
      help: 'Station states moved out of the models once silent for DETECTOR_STATION_DORMANT_AFTER_MS, held deflated until their next reading.',
      registers,
    }),
    stateReplayed: new Counter({
      name: 'sensorwatch_detector_state_replayed_readings_total',
      help: 'Messages handled again after a restore: from the checkpoint up to where the partition stood when it was assigned.',
      registers,
    }),
    deadLettersSkipped: new Counter({
      name: 'sensorwatch_detector_dead_letters_skipped_total',
      help: 'Malformed messages of a replayed chunk that were dead-lettered the first time: not sent again.',
      registers,
    }),
    stateSkipped: new Counter({
      name: 'sensorwatch_detector_state_skipped_readings_total',
      help: 'Replayed readings a restored station state holds already (and which are stored already): not judged again.',
      registers,
    }),
    groupJoins: new Counter({
      name: 'sensorwatch_detector_group_joins_total',
      help: 'Times the consumer joined its group: once at start, then at every rebalance or consumer restart.',
      registers,
    }),
    assignedPartitions: new Gauge({
      name: 'sensorwatch_detector_assigned_partitions',
      help: 'Readings partitions this detector owns since the group last rebalanced (0 until it has joined).',
      registers,
    }),
  };
}

export type DetectorMetrics = ReturnType<typeof createDetectorMetrics>;

/** The multi-sensor models at work and their drift, read at scrape time. */
export function registerModelGauges(
  registry: Registry<OpenMetricsContentType>,
  core: DefaultScoringCore,
  lifecycle: ModelLifecycle,
): void {
  const registers = [registry];
  new Gauge({
    name: 'sensorwatch_detector_model_info',
    help: 'The model version judging each profile (1), with why it was trained and whether it came from the registry (pinned).',
    labelNames: ['profile', 'version', 'trigger', 'pinned'] as const,
    registers,
    collect() {
      this.reset();
      for (const profile of core.profilesWithModels()) {
        const bundle = core.bundleOf(profile);
        if (bundle)
          this.labels(profile, bundle.version, bundle.trigger, String(core.isPinned(profile))).set(1);
      }
    },
  });
  /** A gauge per profile of one figure of the version at work. */
  const perBundle = (name: string, help: string, figure: (bundle: ModelBundle) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['profile'] as const,
      registers,
      collect() {
        this.reset();
        for (const profile of core.profilesWithModels()) {
          const bundle = core.bundleOf(profile);
          if (bundle) this.labels(profile).set(figure(bundle));
        }
      },
    });
  perBundle(
    'sensorwatch_detector_model_trained_timestamp_seconds',
    'Time of the newest reading the model version at work was trained on, per profile.',
    (bundle) => bundle.trainingTo / 1000,
  );
  new Gauge({
    name: 'sensorwatch_detector_tracked_series',
    help: 'Station-and-sensor baselines the streaming statistics hold; memory grows with it.',
    registers,
    collect() {
      this.set(core.stats.trackedSeries);
    },
  });
  perBundle(
    'sensorwatch_detector_model_training_vectors',
    'Normal readings the model version at work was trained on, per profile.',
    (bundle) => bundle.metrics.vectors,
  );
  new Gauge({
    name: 'sensorwatch_active_warnings',
    help: 'Threshold rules firing now (the citizen warnings), by profile, sensor and severity.',
    labelNames: ['profile', 'sensor', 'severity'] as const,
    registers,
    collect() {
      this.reset();
      const catalog = profiles();
      // Every rule's series exists, at zero when quiet, so "no warnings" is a value, not a gap.
      for (const [profile, spec] of Object.entries(catalog)) {
        for (const rule of spec.rules) this.labels(profile, rule.sensor, rule.severity).set(0);
      }
      for (const warning of core.rules.activeWarnings(catalog)) {
        this.labels(warning.profile, warning.rule.sensor, warning.rule.severity).inc();
      }
    },
  });
  new Gauge({
    name: 'sensorwatch_feature_drift_psi',
    help: 'Population Stability Index of each model feature, recent normal readings against the training window (>0.25: a real shift).',
    labelNames: ['profile', 'feature'] as const,
    registers,
    collect() {
      this.reset();
      for (const [profile, features] of lifecycle.drift()) {
        for (const [feature, psi] of features) this.labels(profile, feature).set(psi);
      }
    },
  });
}

/**
 * Creates every known label combination at zero, so rate() and alerts see a series before the first
 * event (a counter that appears only when it first counts hides its first increase from rate()).
 */
export function initialiseDetectorMetrics(metrics: DetectorMetrics): void {
  for (const code of REJECTION_CODES) metrics.deadLettered.labels(code).inc(0);
  for (const retriable of ['true', 'false']) metrics.cassandraWriteErrors.labels(retriable).inc(0);
  for (const reason of COLD_REASONS) metrics.stationsCold.labels(reason).inc(0);
  for (const profile of profileNames()) {
    metrics.stored.labels(profile).inc(0);
    metrics.quality.labels(profile, 'none', 'false_positive').inc(0);
    for (const kind of ANOMALY_KINDS) {
      metrics.quality.labels(profile, kind, 'true_positive').inc(0);
      metrics.quality.labels(profile, kind, 'false_negative').inc(0);
    }
    for (const [model, kinds] of Object.entries(FINDING_KINDS)) {
      for (const kind of kinds) metrics.findings.labels(profile, model, kind).inc(0);
    }
    for (const sensor of sensorsOf(profile)) {
      for (const severity of ['warning', 'critical'])
        metrics.anomalies.labels(profile, sensor, severity).inc(0);
    }
  }
}

/**
 * Seconds since each owned partition's state was last checkpointed, read at scrape time, and the interval
 * checkpoints are taken at, so an alert can tell a partition whose state stopped being saved; and how
 * many stations' state is on the heap.
 */
export function registerCheckpointGauges(
  registry: Registry<OpenMetricsContentType>,
  ages: () => ReadonlyMap<number, number>,
  stations: () => { awake: number; dormant: number },
  intervalMs: number,
): void {
  new Gauge({
    name: 'sensorwatch_detector_checkpoint_age_seconds',
    help: 'Seconds since each owned readings partition’s station state was last checkpointed (or restored), while changes wait to be saved: a crash replays about this much.',
    labelNames: ['partition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [partition, age] of ages()) this.labels(String(partition)).set(age);
    },
  });
  new Gauge({
    name: 'sensorwatch_detector_stations',
    help: 'Stations of the owned partitions by where their state is: awake (in the models, on the heap) or dormant (held deflated until their next reading).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts = stations();
      this.labels('awake').set(counts.awake);
      this.labels('dormant').set(counts.dormant);
    },
  });
  new Gauge({
    name: 'sensorwatch_detector_checkpoint_interval_seconds',
    help: 'DETECTOR_CHECKPOINT_INTERVAL_MS in seconds: a partition’s checkpoint age saw-tooths up to about this.',
    registers: [registry],
  }).set(intervalMs / 1000);
}
