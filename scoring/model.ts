import type { ProfileSpec } from '../common/reading/profiles.js';

export type Severity = 'none' | 'warning' | 'critical';

/** One reading as the models see it: no Kafka, no JSON, just the values and who sent them when. */
export interface Observation {
  readonly stationId: string;
  readonly profile: string;
  readonly profileSpec: ProfileSpec;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** null: the station sent no value for the sensor (dropout). */
  readonly values: Readonly<Record<string, number | null>>;
  /**
   * Each sensor's z against its station's own moving baseline, filled in by the scoring core from the
   * statistics model when every sensor has one. Multi-sensor models learn these rather than raw values:
   * they are free of daily cycles, drift and differences between stations, so one model fits a fleet.
   */
  readonly residuals?: Readonly<Record<string, number>>;
}

/**
 * What one model found in one reading. `score` is on one scale for every model, in standard-deviation
 * equivalents: a model's own anomaly threshold maps to the warning z (3 by default), so the verdict's
 * score is comparable across models and across profiles, and severity bands mean the same everywhere.
 */
export interface Finding {
  readonly model: string;
  /** What kind of evidence: level, jump, stuck, missing, cluster, isolation, rule. */
  readonly kind: string;
  readonly sensors: readonly string[];
  readonly score: number;
  readonly severity: Severity;
  /** The model's figures behind the finding (z, mean, σ, centroid, distance, rule limits...). */
  readonly facts: Readonly<Record<string, number | string>>;
}

/**
 * A detection model: it judges an observation with what it has learnt so far (`score`, which must not
 * change its state), then learns from it (`learn`, told whether the reading was judged anomalous so it
 * can keep faults out of its notion of normal), and puts a finding into words (`explain`, called only for
 * findings that are kept, so the hot path builds no strings for normal readings).
 */
export interface AnomalyModel {
  readonly name: string;
  score(observation: Observation): readonly Finding[];
  learn(observation: Observation, judgedAnomalous: boolean): void;
  explain(finding: Finding): string;
  /** True while the model has too little history to judge this observation. */
  warmingUp(observation: Observation): boolean;
}

export interface Thresholds {
  /** Score at which a finding is an anomaly (the 3-sigma rule by default). */
  readonly warningZ: number;
  readonly criticalZ: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { warningZ: 3, criticalZ: 5 };

export function severityOf(score: number, thresholds: Thresholds): Severity {
  if (score >= thresholds.criticalZ) return 'critical';
  if (score >= thresholds.warningZ) return 'warning';
  return 'none';
}

const SEVERITY_RANK: Record<Severity, number> = { none: 0, warning: 1, critical: 2 };

export function worseSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}
