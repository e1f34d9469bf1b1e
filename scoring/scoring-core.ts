import { NonFiniteNumberError } from '../common/numbers/finite.js';
import { DEFAULT_FORECAST_BAND, ForecastBandModel, type ForecastBook } from './forecast-band.model.js';
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
import { type ModelBundle, trainBundle } from './model-bundle.js';
import { ProfileVectorModel, vectorOf } from './profile-vector.model.js';
import {
  DEFAULT_SEASONAL_PROFILE,
  SeasonalProfileModel,
  type SeasonalProfileOptions,
} from './seasonal-profile.model.js';
import { DEFAULT_SENSOR_STATS, SensorStatsModel, type SensorStatsOptions } from './sensor-stats.model.js';
import {
  decodeStates,
  encodeStates,
  holdsStationState,
  STATION_STATE_VERSION,
  type StationStateHolder,
} from './station-state.js';
import { ThresholdRulesModel } from './threshold-rules.model.js';
import { TrainingWindows } from './training-window.js';
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
  /**
   * What the multi-sensor models judge: each sensor's z divided by how heavy its tails are (the z itself
   * when absent). Not stored or published: only the core's own training reads it.
   */
  readonly residuals?: Readonly<Record<string, number>>;
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
    const residuals: Record<string, number> = {};
    let severity: Severity = 'none';
    let score = 0;
    let warmingUp = false;
    let judged: Observation = observation;
    let sensorsWithZ = 0;
    for (const model of this.models) {
      if (model.warmingUp(judged)) warmingUp = true;
      for (const finding of model.score(judged)) {
        // A score that is not finite would judge nothing (NaN ≥ θ is false) or everything, and turns into
        // null in JSON: fail loudly, naming the station and model, before any model learns the reading.
        if (!Number.isFinite(finding.score)) throw nonFinite(observation, model.name, finding, 'score');
        // Every judged sensor's statistics finding carries its z, whatever kind of evidence won, and the
        // residual the multi-sensor models judge (the z over the sensor's own tail heaviness).
        if (typeof finding.facts.z === 'number') {
          if (!Number.isFinite(finding.facts.z)) throw nonFinite(observation, model.name, finding, 'z');
          const sensor = finding.sensors[0];
          if (sensor !== undefined && model.name === 'stats') {
            if (zScores[sensor] === undefined) sensorsWithZ += 1;
            zScores[sensor] = finding.facts.z;
            residuals[sensor] =
              typeof finding.facts.residual === 'number' ? finding.facts.residual : finding.facts.z;
          }
        }
        if (finding.score > score) score = finding.score;
        if (finding.severity === 'none') continue;
        severity = worseSeverity(severity, finding.severity);
        findings.push({ ...finding, explanation: model.explain(finding) });
      }
      if (model.name === 'stats' && sensorsWithZ === Object.keys(observation.values).length) {
        // Field by field: a spread of the observation cost a twentieth of the scoring core's time.
        const { stationId, profile, profileSpec, ts, values } = observation;
        judged = { stationId, profile, profileSpec, ts, values, residuals };
      }
    }
    findings.sort(byScoreDescending);
    const isAnomaly = severity !== 'none' && score >= this.thresholds.warningZ;
    for (const model of this.models) model.learn(judged, isAnomaly);
    return { isAnomaly, severity, score, findings, zScores, residuals, warmingUp };
  }

  /**
   * What the models have learnt about `stations`, encoded with the state version: put into a core built
   * with the same options (importStations), each station's next verdict is the one this core would give.
   */
  exportStations(stations: Iterable<string>): Buffer {
    return encodeStates({
      version: STATION_STATE_VERSION,
      stations: this.statesOf(new Set(stations)),
      shared: this.exportShared(),
    });
  }

  /**
   * Each station's state encoded on its own, without the shared state: what a checkpoint keeps per
   * station, so a checkpoint rewrites only the stations that changed. Stations the models know nothing
   * of are left out.
   */
  exportEachStation(stations: Iterable<string>): Map<string, Buffer> {
    const encoded = new Map<string, Buffer>();
    for (const [station, models] of this.statesOf(new Set(stations))) {
      encoded.set(
        station,
        encodeStates({ version: STATION_STATE_VERSION, stations: new Map([[station, models]]) }),
      );
    }
    return encoded;
  }

  private statesOf(wanted: ReadonlySet<string>): Map<string, Record<string, unknown>> {
    const byStation = new Map<string, Record<string, unknown>>();
    for (const model of this.models) {
      if (!holdsStationState(model)) continue;
      for (const [station, state] of model.exportStations(wanted)) {
        const models = byStation.get(station) ?? {};
        models[model.stateKey] = state;
        byStation.set(station, models);
      }
    }
    return byStation;
  }

  /**
   * Replaces what the models know of every station in an encoded state with it; returns those stations.
   * Throws StateVersionError for a state of another layout, before changing anything. A state of this
   * layout that does not fit (damaged) throws too, and its stations are then left cold, never half-set.
   */
  importStations(encoded: Buffer): string[] {
    const { stations, shared } = decodeStates(encoded);
    const holders = new Map<string, StationStateHolder>();
    for (const model of this.models) if (holdsStationState(model)) holders.set(model.stateKey, model);
    const ids = new Set(stations.keys());
    this.forgetStations(ids);
    try {
      for (const [station, models] of stations) {
        for (const [stateKey, state] of Object.entries(models))
          holders.get(stateKey)?.importStation(station, state);
      }
    } catch (error) {
      this.forgetStations(ids);
      throw error;
    }
    if (shared !== undefined) this.importShared(shared);
    return [...ids];
  }

  /** Drops everything the models know of `stations`: their next readings are judged cold. */
  forgetStations(stations: Iterable<string>): void {
    const set = stations instanceof Set ? (stations as ReadonlySet<string>) : new Set(stations);
    for (const model of this.models) if (holdsStationState(model)) model.forgetStations(set);
  }

  /** State that belongs to no one station, carried with the stations' (none in the plain core). */
  protected exportShared(): unknown {
    return undefined;
  }

  protected importShared(_shared: unknown): void {}

  /**
   * Every model learns a reading judged before (a stored one, with the verdict it got), without judging
   * it again: how the API's predict brings a fresh core up to a station's present.
   */
  replay(observation: Observation, judgedAnomalous: boolean): void {
    for (const model of this.models) model.learn(observation, judgedAnomalous);
  }
}

function nonFinite(
  observation: Observation,
  model: string,
  finding: Finding,
  what: 'score' | 'z',
): NonFiniteNumberError {
  const value = what === 'score' ? finding.score : finding.facts.z;
  return new NonFiniteNumberError(
    `station ${observation.stationId} at ${new Date(observation.ts).toISOString()}: the ${model} model's ${what} for ${finding.sensors.join(', ')}`,
    value,
  );
}

export interface MultiSensorOptions {
  /** Normal vectors a profile needs before its first training. */
  readonly minTraining: number;
  /** Vectors in each profile's training window. */
  readonly window: number;
  /** Time the window spans (ms): vectors are sampled so it holds a whole daily cycle. */
  readonly windowSpanMs: number;
  /** Retrain on the slid window after this many new vectors (0: never); not while a registry version is pinned. */
  readonly retrainEvery: number;
  /** A point is anomalous past the trained threshold times this margin. */
  readonly thresholdMargin: number;
}

export const DEFAULT_MULTI_SENSOR: MultiSensorOptions = {
  minTraining: 1000,
  window: 4000,
  windowSpanMs: 24 * 3_600_000,
  retrainEvery: 2000,
  thresholdMargin: 1.25,
};

export interface ScoringCoreOptions {
  readonly thresholds?: Thresholds;
  readonly stats?: Partial<SensorStatsOptions>;
  readonly multiSensor?: Partial<MultiSensorOptions>;
  readonly seasonal?: Partial<SeasonalProfileOptions>;
  /** Leave a model out. The statistics model always runs: the others judge its residuals. */
  readonly without?: readonly ('stats' | 'kmeans' | 'isolation_forest' | 'rules' | 'forecast' | 'seasonal')[];
  /** Called with every bundle the core trains itself (bootstrap or sliding), e.g. to register it. */
  readonly onTrained?: (bundle: ModelBundle) => void;
  /** Forecasts of the batch job: a reading far outside its forecast is one more signal. */
  readonly forecasts?: ForecastBook;
  /** Distance from the forecast (combined σ) that counts as far outside it. */
  readonly forecastFarZ?: number;
  /** Time a bundle is created at (its version id); by default the time of the reading that completed its window, so replays are reproducible. */
  readonly clock?: () => number;
}

/**
 * The detector's models with their configured thresholds, and the lifecycle of the multi-sensor ones:
 * the core collects each profile's normal residual vectors in a sliding window, trains K-means and the
 * Isolation Forest on it once it is big enough and again as it slides, unless a version from the model
 * registry has been adopted (pinned), which it then keeps until another is adopted.
 */
export class DefaultScoringCore extends ScoringCore {
  readonly stats: SensorStatsModel;
  readonly kmeans: ProfileVectorModel<KMeansParams>;
  readonly isolationForest: ProfileVectorModel<IsolationForestParams>;
  readonly rules: ThresholdRulesModel;
  readonly windows: TrainingWindows;
  private readonly bundles = new Map<
    string,
    { bundle: ModelBundle; pinned: boolean; addedAtTraining: number; disputed: number }
  >();
  private readonly multi: MultiSensorOptions;
  private readonly features = new Map<string, readonly string[]>();
  private readonly multiSensorOn: boolean;

  constructor(private readonly coreOptions: ScoringCoreOptions = {}) {
    const thresholds = coreOptions.thresholds ?? DEFAULT_THRESHOLDS;
    const multi = { ...DEFAULT_MULTI_SENSOR, ...coreOptions.multiSensor };
    const vectorOptions = { ...thresholds, thresholdMargin: multi.thresholdMargin };
    const stats = new SensorStatsModel({ ...DEFAULT_SENSOR_STATS, ...thresholds, ...coreOptions.stats });
    const kmeans = new ProfileVectorModel(kmeansMethod(), vectorOptions);
    const isolationForest = new ProfileVectorModel(isolationForestMethod(), vectorOptions);
    const rules = new ThresholdRulesModel(thresholds);
    // The hour of the week, and the hour of the day, which speaks after three days instead of three weeks.
    const seasonal = (['week', 'day'] as const).map(
      (period) =>
        new SeasonalProfileModel({
          ...DEFAULT_SEASONAL_PROFILE,
          ...thresholds,
          period,
          ...coreOptions.seasonal,
        }),
    );
    const without = new Set<string>(coreOptions.without ?? []);
    const forecast = coreOptions.forecasts
      ? [
          new ForecastBandModel(coreOptions.forecasts, {
            ...thresholds,
            farZ: coreOptions.forecastFarZ ?? DEFAULT_FORECAST_BAND.farZ,
          }),
        ]
      : [];
    super(
      [stats, kmeans, isolationForest, rules, ...seasonal, ...forecast].filter(
        (m) => m.name === 'stats' || !without.has(m.name),
      ),
      thresholds,
    );
    this.stats = stats;
    this.kmeans = kmeans;
    this.isolationForest = isolationForest;
    this.rules = rules;
    this.multi = multi;
    this.multiSensorOn = !without.has('kmeans') || !without.has('isolation_forest');
    this.windows = new TrainingWindows(multi.window, multi.windowSpanMs);
  }

  override score(observation: Observation): Verdict {
    const verdict = super.score(observation);
    if (this.multiSensorOn && !anomalousBesidesVectors(verdict)) this.collect(observation, verdict);
    return verdict;
  }

  /** Puts a trained version to work for its profile; `pinned` (a registry version) stops self-retraining. */
  adopt(bundle: ModelBundle, { pinned }: { pinned: boolean }): void {
    // Without K-means and the Isolation Forest there is nothing to adopt (and no version to record).
    if (!this.multiSensorOn) return;
    this.kmeans.adopt(bundle.profile, bundle.features, bundle.kmeans, bundle.version);
    this.isolationForest.adopt(bundle.profile, bundle.features, bundle.isolationForest, bundle.version);
    this.bundles.set(bundle.profile, {
      bundle,
      pinned,
      addedAtTraining: this.windows.added(bundle.profile),
      disputed: 0,
    });
  }

  /**
   * The multi-sensor models' learning: each profile's training window and the version at work with its
   * counters. It is the fleet's, not one station's; carried along so a restored core retrains when the
   * uninterrupted one would.
   */
  protected override exportShared(): unknown {
    return { windows: this.windows.exportProfiles(), bundles: this.bundles };
  }

  protected override importShared(shared: unknown): void {
    const { windows, bundles } = shared as {
      windows: Map<string, unknown>;
      bundles: Map<
        string,
        { bundle: ModelBundle; pinned: boolean; addedAtTraining: number; disputed: number }
      >;
    };
    this.windows.importProfiles(windows);
    for (const [, adopted] of bundles) {
      this.adopt(adopted.bundle, { pinned: adopted.pinned });
      const restored = this.bundles.get(adopted.bundle.profile);
      if (restored)
        Object.assign(restored, { addedAtTraining: adopted.addedAtTraining, disputed: adopted.disputed });
    }
  }

  /** The version of the multi-sensor models judging a profile, recorded with every reading. */
  modelVersionOf(profile: string): string | undefined {
    return this.bundles.get(profile)?.bundle.version;
  }

  bundleOf(profile: string): ModelBundle | undefined {
    return this.bundles.get(profile)?.bundle;
  }

  /** Whether the profile's version came from the registry (and so is not retrained as the window slides). */
  isPinned(profile: string): boolean {
    return this.bundles.get(profile)?.pinned ?? false;
  }

  /** The newest normal vectors seen since the profile's current version was adopted, at most `max`. */
  recentSinceAdoption(profile: string, max: number): (readonly number[])[] {
    const adopted = this.bundles.get(profile);
    if (!adopted) return [];
    const since = this.windows.added(profile) - adopted.addedAtTraining;
    return this.windows.newest(profile, Math.min(max, since));
  }

  /** Every profile with a version at work. */
  profilesWithModels(): string[] {
    return [...this.bundles.keys()];
  }

  /** The features (non-intermittent sensors) the multi-sensor models of a profile use. */
  static featuresOf(profileSpec: Observation['profileSpec']): string[] {
    return Object.entries(profileSpec.sensors)
      .filter(([, spec]) => !spec.intermittent)
      .map(([name]) => name);
  }

  /** Trains a bundle on a profile's current window (for drift-triggered retraining and tools). */
  trainFromWindow(
    profile: string,
    features: readonly string[],
    trigger: ModelBundle['trigger'],
    now: number,
  ): ModelBundle {
    const { vectors, from, to } = this.windows.contents(profile);
    return trainBundle({ profile, features, vectors, from, to, trigger, now });
  }

  private collect(observation: Observation, verdict: Verdict): void {
    // Once per profile, not per reading: this is the detector's hot path.
    let features = this.features.get(observation.profile);
    if (!features) {
      features = DefaultScoringCore.featuresOf(observation.profileSpec);
      this.features.set(observation.profile, features);
    }
    // One sensor is no vector: K-means and the Isolation Forest on a single z would repeat the statistics
    // model's level test with a threshold fitted to a few hundred readings.
    if (features.length < 2) return;
    const vector = vectorOf(features, verdict.residuals ?? verdict.zScores);
    if (!vector || !this.windows.offer(observation.profile, observation.ts, vector)) return;
    const current = this.bundles.get(observation.profile);
    const size = this.windows.size(observation.profile);
    // Only K-means or the Isolation Forest flagged it (the others would have kept it out of the window).
    if (current && verdict.isAnomaly) current.disputed += 1;
    const sinceTraining = current ? this.windows.added(observation.profile) - current.addedAtTraining : 0;
    const due = current
      ? !current.pinned &&
        this.multi.retrainEvery > 0 &&
        (sinceTraining >= this.multi.retrainEvery || outgrown(current.disputed, sinceTraining))
      : size >= this.multi.minTraining;
    if (!due) return;
    const bundle = this.trainFromWindow(
      observation.profile,
      features,
      current ? 'sliding' : 'bootstrap',
      this.coreOptions.clock?.() ?? observation.ts,
    );
    this.adopt(bundle, { pinned: false });
    this.coreOptions.onTrained?.(bundle);
  }
}

/**
 * Whether a version has outgrown its training: K-means or the Isolation Forest alone flagged at least
 * DISPUTED_MIN of the readings since, and a fifth of them. What only they call anomalous that often is a
 * normal they never saw (a sensor that was flat when they trained and is noisy now), so the window is
 * retrained now instead of after `retrainEvery` more readings.
 */
function outgrown(disputed: number, sinceTraining: number): boolean {
  return disputed >= DISPUTED_MIN && disputed >= 0.2 * sinceTraining;
}

const DISPUTED_MIN = 50;

/**
 * Whether a model other than K-means and the Isolation Forest found the reading anomalous. Their own
 * flags do not keep a reading out of their training window: a pattern they wrongly call anomalous (the
 * first noise on a sensor that was flat when they trained) is learnt at the next retraining instead of
 * being flagged for ever, while faults the other models see stay out.
 */
function anomalousBesidesVectors(verdict: Verdict): boolean {
  for (const f of verdict.findings) if (f.model !== 'kmeans' && f.model !== 'isolation_forest') return true;
  return false;
}

/**
 * Comparators and predicates of the per-reading path are declared once, not per call: tsx (which runs the
 * services natively) names every closure it creates, and that cost a twentieth of the scoring time.
 */
function byScoreDescending(a: Finding, b: Finding): number {
  return b.score - a.score;
}

/** The detector's models with their configured thresholds. */
export function createScoringCore(options: ScoringCoreOptions = {}): DefaultScoringCore {
  return new DefaultScoringCore(options);
}
