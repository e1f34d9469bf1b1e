export type Severity = 'none' | 'warning' | 'critical';

/** Why one sensor was judged the way it was. */
export interface SensorExplanation {
  readonly sensor: string;
  readonly value: number;
  readonly mean: number;
  readonly stdDev: number;
  readonly z: number;
}

/** The detector's judgement of one reading. */
export interface Verdict {
  readonly isAnomaly: boolean;
  readonly severity: Severity;
  /** The largest |z| over the reading's sensors (0 while warming up). */
  readonly score: number;
  /** Sensors at or past the warning threshold, worst first. */
  readonly anomalousSensors: readonly SensorExplanation[];
  /** The z-score of every sensor that was judged (sensors still warming up are absent). */
  readonly zScores: Readonly<Record<string, number>>;
  /** True while any sensor has too little history to judge. */
  readonly warmingUp: boolean;
}

export interface Thresholds {
  /** |z| at which a reading is an anomaly (the 3-sigma rule by default). */
  readonly warningZ: number;
  readonly criticalZ: number;
}

export function severityOf(score: number, thresholds: Thresholds): Severity {
  if (score >= thresholds.criticalZ) return 'critical';
  if (score >= thresholds.warningZ) return 'warning';
  return 'none';
}
