import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';

/**
 * How one multi-sensor method judges: K-means and Isolation Forest both score a profile's residual vector
 * (one z per sensor) on the shared σ-equivalent scale.
 */
export interface VectorMethod<P> {
  readonly name: string;
  readonly kind: string;
  /** The score on the shared scale (its threshold maps to `warningZ`) and the figures behind it. */
  judge(
    params: P,
    vector: readonly number[],
    warningZ: number,
  ): { score: number; facts: Record<string, number> };
  describe(facts: Readonly<Record<string, number | string>>): string;
}

export interface VectorModelOptions extends Thresholds {
  /** Training scores are a sample: a point is anomalous past the trained threshold times this margin. */
  readonly thresholdMargin: number;
}

interface Adopted<P> {
  readonly features: readonly string[];
  readonly params: P;
  readonly version: string;
}

/**
 * A multi-sensor model per profile. It does not train itself: the scoring core (or the model registry)
 * hands it trained parameters with `adopt`, and from then on it judges the profile's readings. A vector is
 * the reading's residuals (each sensor's z against its station's baseline), so the model judges how a
 * profile's sensors deviate together. Only complete readings are judged (a dropout is the statistics
 * model's to report).
 */
export class ProfileVectorModel<P> implements AnomalyModel {
  readonly name: string;
  private readonly adopted = new Map<string, Adopted<P>>();

  constructor(
    private readonly method: VectorMethod<P>,
    private readonly options: VectorModelOptions = { ...DEFAULT_THRESHOLDS, thresholdMargin: 1.25 },
  ) {
    this.name = method.name;
  }

  adopt(profile: string, features: readonly string[], params: P, version: string): void {
    this.adopted.set(profile, { features, params, version });
  }

  warmingUp(observation: Observation): boolean {
    return !this.adopted.has(observation.profile);
  }

  score(observation: Observation): Finding[] {
    const model = this.adopted.get(observation.profile);
    const vector = model && observation.residuals && vectorOf(model.features, observation.residuals);
    if (!model || !vector) return [];
    const { score, facts } = this.method.judge(
      model.params,
      vector,
      this.options.warningZ / this.options.thresholdMargin,
    );
    if (score < this.options.warningZ) return [];
    return [
      {
        model: this.name,
        kind: this.method.kind,
        sensors: mainContributors(model.features, vector),
        score,
        severity: severityOf(score, this.options),
        facts,
      },
    ];
  }

  learn(): void {}

  explain(finding: Finding): string {
    return `${this.method.describe(finding.facts)}; mostly ${finding.sensors.join(', ')}`;
  }

  /** The version judging a profile now, if any. */
  versionOf(profile: string): string | undefined {
    return this.adopted.get(profile)?.version;
  }

  /** The parameters judging a profile now (for tests and tools). */
  paramsOf(profile: string): P | undefined {
    return this.adopted.get(profile)?.params;
  }
}

export function vectorOf(
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
