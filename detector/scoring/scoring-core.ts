import type { IsolationForestParams } from './isolation-forest.js';
import type { KMeansParams } from './kmeans.js';
import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  type Severity,
  type Thresholds,
  worseSeverity,
} from './model.js';
import {
  DEFAULT_PROFILE_VECTOR,
  ProfileVectorModel,
  type ProfileVectorOptions,
} from './profile-vector.model.js';
import { DEFAULT_SENSOR_STATS, SensorStatsModel, type SensorStatsOptions } from './sensor-stats.model.js';
import { ThresholdRulesModel } from './threshold-rules.model.js';
import { isolationForestMethod, kmeansMethod } from './vector-methods.js';

/** A finding that made the verdict, with its explanation in words. */
export interface ExplainedFinding extends Finding {
  readonly explanation: string;
}

/** The detector's judgement of one reading, combined over every model. */
export interface Verdict {
  readonly isAnomaly: boolean;
  readonly severity: Severity;
  /** The highest score of any model, in σ equivalents (the warning threshold is 3 by default). */
  readonly score: number;
  /** Findings at warning or worse, worst first. */
  readonly findings: readonly ExplainedFinding[];
  /** Each judged sensor's z against its own moving baseline (sensors still warming up are absent). */
  readonly zScores: Readonly<Record<string, number>>;
  /** True while some model has too little history to judge this reading. */
  readonly warmingUp: boolean;
}

/**
 * Combines the models into one verdict per reading: a reading is anomalous when any model finds it so,
 * its severity and score are the worst any model gives, and each finding carries its explanation. Then
 * every model learns from the reading, told the verdict so faults stay out of their idea of normal.
 * No I/O: the same core runs in the detector, the quality benchmark and the API's predict endpoint.
 */
export class ScoringCore {
  constructor(
    readonly models: readonly AnomalyModel[],
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
  ) {}

  score(observation: Observation): Verdict {
    const findings: ExplainedFinding[] = [];
    const zScores: Record<string, number> = {};
    let severity: Severity = 'none';
    let score = 0;
    let warmingUp = false;
    let judged: Observation = observation;
    for (const model of this.models) {
      if (model.warmingUp(judged)) warmingUp = true;
      for (const finding of model.score(judged)) {
        if (finding.kind === 'level' || finding.kind === 'jump' || finding.kind === 'stuck') {
          const [sensor] = finding.sensors;
          if (sensor !== undefined) zScores[sensor] = Number(finding.facts.z);
        }
        if (finding.score > score) score = finding.score;
        if (finding.severity === 'none') continue;
        severity = worseSeverity(severity, finding.severity);
        findings.push({ ...finding, explanation: model.explain(finding) });
      }
      if (model.name === 'stats' && Object.keys(zScores).length === Object.keys(observation.values).length) {
        judged = { ...observation, residuals: zScores };
      }
    }
    findings.sort((a, b) => b.score - a.score);
    const isAnomaly = severity !== 'none' && score >= this.thresholds.warningZ;
    for (const model of this.models) model.learn(judged, isAnomaly);
    return { isAnomaly, severity, score, findings, zScores, warmingUp };
  }
}

export interface ScoringCoreOptions {
  readonly thresholds?: Thresholds;
  readonly stats?: Partial<SensorStatsOptions>;
  readonly kmeans?: Partial<ProfileVectorOptions>;
  readonly isolationForest?: Partial<ProfileVectorOptions>;
  /** Leave a model out (the benchmark measures each one's contribution). */
  readonly without?: readonly ('stats' | 'kmeans' | 'isolation_forest' | 'rules')[];
}

export interface DefaultScoringCore extends ScoringCore {
  readonly stats: SensorStatsModel;
  readonly kmeans: ProfileVectorModel<KMeansParams>;
  readonly isolationForest: ProfileVectorModel<IsolationForestParams>;
  readonly rules: ThresholdRulesModel;
}

/** The detector's models with their configured thresholds. */
export function createScoringCore(options: ScoringCoreOptions = {}): DefaultScoringCore {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const stats = new SensorStatsModel({ ...DEFAULT_SENSOR_STATS, ...thresholds, ...options.stats });
  const kmeans = new ProfileVectorModel(kmeansMethod(), {
    ...DEFAULT_PROFILE_VECTOR,
    ...thresholds,
    ...options.kmeans,
  });
  const isolationForest = new ProfileVectorModel(isolationForestMethod(), {
    ...DEFAULT_PROFILE_VECTOR,
    ...thresholds,
    ...options.isolationForest,
  });
  const rules = new ThresholdRulesModel(thresholds);
  const without = new Set(options.without ?? []);
  const models = [stats, kmeans, isolationForest, rules].filter((m) => !without.has(m.name as never));
  const core = new ScoringCore(models, thresholds);
  return Object.assign(core, { stats, kmeans, isolationForest, rules });
}
