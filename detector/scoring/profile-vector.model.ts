import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';
import { fitStandardiser, type Standardiser, standardise } from './standardiser.js';

/**
 * How one multi-sensor method trains and judges: K-means and Isolation Forest both learn a profile's
 * normal vectors (one value per sensor) and give a new vector a score on the shared σ-equivalent scale.
 */
export interface VectorMethod<P> {
  readonly name: string;
  readonly kind: string;
  train(features: readonly string[], vectors: readonly (readonly number[])[]): P;
  /** The score on the shared scale (its threshold maps to `warningZ`) and the figures behind it. */
  judge(
    params: P,
    vector: readonly number[],
    warningZ: number,
  ): { score: number; facts: Record<string, number> };
  describe(facts: Readonly<Record<string, number | string>>): string;
}

export interface ProfileVectorOptions extends Thresholds {
  /** Normal vectors a profile needs before its first training. */
  readonly minTraining: number;
  /** The sliding window of recent normal vectors each training uses. */
  readonly window: number;
  /** Retrain after this many new normal vectors (0: train once, never slide). */
  readonly retrainEvery: number;
  /**
   * Time the window should span (ms): vectors are kept at most one per span/window, so the window holds a
   * whole daily cycle however many stations report how often, and normal patterns that come once a day
   * (the morning ramp of a building) are in it.
   */
  readonly windowSpanMs: number;
  /** Training distances are a sample: the threshold is their high quantile times this margin. */
  readonly thresholdMargin: number;
}

export const DEFAULT_PROFILE_VECTOR: ProfileVectorOptions = {
  ...DEFAULT_THRESHOLDS,
  minTraining: 1000,
  window: 4000,
  retrainEvery: 2000,
  windowSpanMs: 24 * 3_600_000,
  thresholdMargin: 1.25,
};

interface ProfileState<P> {
  readonly features: readonly string[];
  readonly window: number[][];
  next: number;
  sinceTraining: number;
  lastKeptTs: number;
  params: P | undefined;
  /** Scale of each feature over the window, for telling which sensors a finding is about. */
  standardiser: Standardiser | undefined;
  trainedAt: number;
}

/**
 * A multi-sensor model per profile, trained on a sliding window of recent vectors the detector judged
 * normal and retrained as the window slides: the way the earlier systems kept up with drift. A vector is
 * the reading's residuals (each sensor's z against its station's baseline), so the model learns how a
 * profile's sensors deviate together. It judges only complete readings (a dropout is the statistics
 * model's to report).
 */
export class ProfileVectorModel<P> implements AnomalyModel {
  readonly name: string;
  private readonly profiles = new Map<string, ProfileState<P>>();

  constructor(
    private readonly method: VectorMethod<P>,
    private readonly options: ProfileVectorOptions = DEFAULT_PROFILE_VECTOR,
  ) {
    this.name = method.name;
  }

  warmingUp(observation: Observation): boolean {
    return this.profiles.get(observation.profile)?.params === undefined;
  }

  score(observation: Observation): Finding[] {
    const state = this.profiles.get(observation.profile);
    if (!state?.params || !state.standardiser) return [];
    const vector = observation.residuals && vectorOf(state.features, observation.residuals);
    if (!vector) return [];
    const { score, facts } = this.method.judge(
      state.params,
      vector,
      this.options.warningZ / this.options.thresholdMargin,
    );
    if (score < this.options.warningZ) return [];
    return [
      {
        model: this.name,
        kind: this.method.kind,
        sensors: mainContributors(state.features, standardise(state.standardiser, vector)),
        score,
        severity: severityOf(score, this.options),
        facts,
      },
    ];
  }

  learn(observation: Observation, judgedAnomalous: boolean): void {
    if (judgedAnomalous) return;
    let state = this.profiles.get(observation.profile);
    if (!state) {
      state = {
        // Intermittent sensors' residuals swing by nature (sunrise, the first rain): they would drown the rest.
        features: Object.entries(observation.profileSpec.sensors)
          .filter(([, spec]) => !spec.intermittent)
          .map(([name]) => name),
        window: [],
        next: 0,
        sinceTraining: 0,
        lastKeptTs: Number.NEGATIVE_INFINITY,
        params: undefined,
        standardiser: undefined,
        trainedAt: 0,
      };
      this.profiles.set(observation.profile, state);
    }
    if (observation.ts - state.lastKeptTs < this.options.windowSpanMs / this.options.window) return;
    const vector = observation.residuals && vectorOf(state.features, observation.residuals);
    if (!vector) return;
    state.lastKeptTs = observation.ts;
    if (state.window.length < this.options.window) state.window.push(vector);
    else state.window[state.next] = vector;
    state.next = (state.next + 1) % this.options.window;
    state.sinceTraining += 1;
    const due = state.params
      ? this.options.retrainEvery > 0 && state.sinceTraining >= this.options.retrainEvery
      : state.window.length >= this.options.minTraining;
    if (due) {
      state.params = this.method.train(state.features, state.window);
      state.standardiser = fitStandardiser(state.window);
      state.sinceTraining = 0;
      state.trainedAt = observation.ts;
    }
  }

  explain(finding: Finding): string {
    return `${this.method.describe(finding.facts)}; mostly ${finding.sensors.join(', ')}`;
  }

  /** Each trained profile: when it was last trained (reading time) and on how many vectors. */
  trainings(): { profile: string; trainedAt: number; vectors: number }[] {
    return [...this.profiles]
      .filter(([, state]) => state.params !== undefined)
      .map(([profile, state]) => ({ profile, trainedAt: state.trainedAt, vectors: state.window.length }));
  }

  /** The trained parameters of a profile (for the registry and tests). */
  paramsOf(profile: string): P | undefined {
    return this.profiles.get(profile)?.params;
  }
}

function vectorOf(
  features: readonly string[],
  values: Readonly<Record<string, number>>,
): number[] | undefined {
  const vector: number[] = [];
  for (const feature of features) {
    const value = values[feature];
    if (value === undefined) return undefined;
    vector.push(value);
  }
  return vector;
}

/** The sensors furthest from normal (|z| ≥ 2, or the single furthest), worst first, at most three. */
function mainContributors(features: readonly string[], z: readonly number[]): string[] {
  const ranked = features.map((f, i) => [f, Math.abs(z[i] as number)] as const).sort((a, b) => b[1] - a[1]);
  const strong = ranked.filter(([, v]) => v >= 2).slice(0, 3);
  return (strong.length > 0 ? strong : ranked.slice(0, 1)).map(([f]) => f);
}
