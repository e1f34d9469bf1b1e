/** Kinds of anomaly the simulator injects; the label travels with the reading as ground truth. */
export const ANOMALY_KINDS = [
  'spike',
  'level_shift',
  'drift',
  'stuck',
  'dropout',
  'noise_burst',
  'correlated',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
