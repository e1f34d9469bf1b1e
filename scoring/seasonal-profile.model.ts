import { EwmaStats } from './ewma-stats.js';
import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';
import { restoreInto, type StationStateHolder } from './station-state.js';
import { TailGauge } from './tail-gauge.js';

export interface SeasonalProfileOptions extends Thresholds {
  /** The cycle whose hours are profiled: the hour of the week (168 slots) or of the day (24). */
  readonly period: 'week' | 'day';
  /** Visits of an hour of the cycle (one per cycle) before that hour's usual value is trusted. */
  readonly minVisits: number;
  /** Weight of the newest visit in an hour's usual value: 0.2 remembers about nine weeks. */
  readonly slotAlpha: number;
  /**
   * Time over which the spread of values around their hour's usual value is measured (an exponential
   * memory). In time, not readings: a sensor read every minute and one read hourly both need a week's
   * residuals, or a slowly wandering level looks like a fault to the one read often.
   */
  readonly spreadMemoryMs: number;
  /** Residuals measured before the spread is trusted. */
  readonly minSpreadSamples: number;
  /**
   * Distance from the hour's usual value, in spreads, that counts as the warning score. Higher than the
   * statistics model's: residuals from a weekly profile have heavy tails (holidays, weather).
   */
  readonly seasonalZ: number;
  /** A series gets its 168 slots only once it has been seen for this long, so short-lived ones cost nothing. */
  readonly allocateAfterMs: number;
  /** Judge only while the profile's residual variance is at most this share of the series' own variance. */
  readonly maxUnexplained: number;
}

export const DEFAULT_SEASONAL_PROFILE: SeasonalProfileOptions = {
  ...DEFAULT_THRESHOLDS,
  period: 'week',
  minVisits: 3,
  slotAlpha: 0.2,
  spreadMemoryMs: 7 * 86_400_000,
  minSpreadSamples: 100,
  seasonalZ: 6,
  allocateAfterMs: 2 * 86_400_000,
  maxUnexplained: 0.25,
};

const HOURS_PER_WEEK = 168;

/**
 * Hour of the week in UTC, Sunday 00:00 = 0. A station in another time zone keeps its shape, shifted.
 * Arithmetic rather than a Date per reading: this runs for every reading on the hot path.
 */
export function hourOfWeek(ts: number): number {
  const hours = Math.floor(ts / 3_600_000);
  // 1970-01-01 00:00 UTC was a Thursday: hour 4 × 24 of its week.
  return (((hours + 4 * 24) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/** Hour of the day in UTC, 0–23. */
export function hourOfDay(ts: number): number {
  return ((Math.floor(ts / 3_600_000) % 24) + 24) % 24;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

class SeriesProfile {
  /** Usual value per hour of the cycle, and how many cycles have taught it. */
  readonly means: Float64Array;
  readonly visits: Uint16Array;
  /** The hour being visited now (hours since the epoch), and the (clipped) sum of its readings. */
  pendingVisit = -1;
  pendingSum = 0;
  pendingCount = 0;
  spreadVariance = 0;
  spreadSamples = 0;
  spreadUpdatedAt = 0;
  /**
   * The series' own level and variance over the same memory: what the weekly profile must explain. Its
   * weight is given per value, as a memory in time (see learnValue).
   */
  readonly level = new EwmaStats(0);
  /** How heavy the residuals' tails are: scores are divided by the factor. */
  readonly tail = new TailGauge();

  constructor(slots: number) {
    this.means = new Float64Array(slots);
    this.visits = new Uint16Array(slots);
  }
}

/** A station's profiles, one per sensor, made only once the station has been seen for `allocateAfterMs`. */
interface StationProfiles {
  readonly firstTs: number;
  sensors?: Map<string, SeriesProfile>;
}

/**
 * The usual value of each sensor for each hour of the week (168 slots per station and sensor), and how
 * far readings normally fall from it. Catches what moving statistics cannot: a value that is ordinary for
 * the day's range but wrong for the hour (building energy at night, taxi demand on a holiday, a plant
 * running on a Sunday). It judges nothing until an hour has been seen on `minWeeks` different weeks, so it
 * is silent for a station's first weeks and costs no memory for its first `allocateAfterMs`.
 *
 * A slot learns the mean of each visit (an hour's readings) with weight `slotAlpha`, clipped to
 * ± seasonalZ spreads like the statistics model's winsorising: a lasting change becomes the new normal
 * within weeks instead of alarming forever, and one fault barely moves it.
 */
export class SeasonalProfileModel implements AnomalyModel, StationStateHolder {
  readonly name = 'seasonal';
  readonly stateKey: string;
  /** Station → sensor → profile: nested, so the hot path builds no key strings. */
  private readonly series = new Map<string, StationProfiles>();
  private readonly slotOf: (ts: number) => number;
  private readonly slots: number;

  constructor(private readonly options: SeasonalProfileOptions = DEFAULT_SEASONAL_PROFILE) {
    this.slotOf = options.period === 'week' ? hourOfWeek : hourOfDay;
    this.stateKey = `seasonal:${options.period}`;
    this.slots = options.period === 'week' ? HOURS_PER_WEEK : 24;
  }

  warmingUp(): boolean {
    // Weeks of history are a bonus, not a precondition: the other models judge meanwhile.
    return false;
  }

  score(observation: Observation): Finding[] {
    const findings: Finding[] = [];
    const sensors = this.series.get(observation.stationId)?.sensors;
    if (!sensors) return findings;
    const slot = this.slotOf(observation.ts);
    for (const [sensor, value] of Object.entries(observation.values)) {
      if (value === null) continue;
      const profile = sensors.get(sensor);
      const usual = this.slotMean(profile, slot);
      if (!profile || usual === undefined || profile.spreadSamples < this.options.minSpreadSamples) continue;
      const spread = Math.sqrt(profile.spreadVariance);
      if (!(spread > 0) || !this.explainsSeries(profile)) continue;
      const z = (value - usual) / spread;
      const score =
        (Math.abs(z) * this.options.warningZ) / this.options.seasonalZ / this.tailFactorOf(profile);
      findings.push({
        model: this.name,
        kind: 'seasonal',
        sensors: [sensor],
        score,
        severity: severityOf(score, this.options),
        facts: { value, usual, spread, z, slot, period: this.options.period },
      });
    }
    return findings;
  }

  exportStations(stations: ReadonlySet<string>): Map<string, unknown> {
    const states = new Map<string, StationProfiles>();
    for (const station of stations) {
      const profiles = this.series.get(station);
      if (profiles) states.set(station, profiles);
    }
    return states;
  }

  importStation(stationId: string, state: unknown): void {
    const { firstTs, sensors } = state as { firstTs: number; sensors?: Map<string, unknown> };
    const station: StationProfiles = { firstTs };
    if (sensors) {
      station.sensors = new Map();
      for (const [sensor, data] of sensors) {
        station.sensors.set(sensor, restoreInto(new SeriesProfile(this.slots), data));
      }
    }
    this.series.set(stationId, station);
  }

  forgetStations(stations: ReadonlySet<string>): void {
    for (const station of stations) this.series.delete(station);
  }

  learn(observation: Observation): void {
    let station = this.series.get(observation.stationId);
    if (!station) {
      station = { firstTs: observation.ts };
      this.series.set(observation.stationId, station);
    }
    if (!station.sensors) {
      if (observation.ts - station.firstTs < this.options.allocateAfterMs) return;
      station.sensors = new Map();
    }
    const slot = this.slotOf(observation.ts);
    const visit = Math.floor(observation.ts / 3_600_000);
    for (const [sensor, value] of Object.entries(observation.values)) {
      if (value === null || !Number.isFinite(value)) continue;
      let profile = station.sensors.get(sensor);
      if (!profile) {
        profile = new SeriesProfile(this.slots);
        station.sensors.set(sensor, profile);
      }
      this.learnValue(profile, slot, visit, value, observation.ts);
    }
  }

  private learnValue(profile: SeriesProfile, slot: number, visit: number, value: number, ts: number): void {
    const { means, visits } = profile;
    const o = this.options;
    const usual = this.slotMean(profile, slot);
    const spreadNow = Math.sqrt(profile.spreadVariance);
    // Once the spread is trusted, what is learnt is clipped to ± seasonalZ spreads (winsorised, like the
    // statistics model): one fault must not widen the spread, or move the usual value, the next is judged by.
    const trusted = profile.spreadSamples >= o.minSpreadSamples && spreadNow > 0;
    const limit = trusted ? o.seasonalZ * spreadNow : Number.POSITIVE_INFINITY;
    if (usual !== undefined) {
      if (trusted) profile.tail.learn(Math.abs(value - usual) / spreadNow);
      const residual = clamp(value - usual, limit);
      // An exact mean of the first residuals, then an exponential memory of spreadMemoryMs.
      const elapsed = Math.max(0, ts - profile.spreadUpdatedAt);
      const timeAlpha = 1 - Math.exp(-elapsed / o.spreadMemoryMs);
      const weight = Math.max(1 / (profile.spreadSamples + 1), timeAlpha);
      profile.spreadVariance += weight * (residual * residual - profile.spreadVariance);
      profile.level.update(value, timeAlpha);
      profile.spreadSamples += 1;
      profile.spreadUpdatedAt = ts;
    }
    if (visit !== profile.pendingVisit) {
      this.foldPendingVisit(profile);
      profile.pendingVisit = visit;
    }
    const mean = (visits[slot] as number) > 0 ? (means[slot] as number) : value;
    profile.pendingSum += mean + clamp(value - mean, limit);
    profile.pendingCount += 1;
  }

  /** Folds the hour just ended into its slot: an average of the first visits, then weight `slotAlpha`. */
  private foldPendingVisit(profile: SeriesProfile): void {
    if (profile.pendingCount === 0) return;
    const slot = this.slotOf(profile.pendingVisit * 3_600_000);
    const hourMean = profile.pendingSum / profile.pendingCount;
    const count = profile.visits[slot] as number;
    // The first visit gets weight 1: the slot starts at that hour's mean.
    const weight = Math.max(this.options.slotAlpha, 1 / (count + 1));
    profile.means[slot] =
      (profile.means[slot] as number) + weight * (hourMean - (profile.means[slot] as number));
    profile.visits[slot] = Math.min(count + 1, 65_535);
    profile.pendingSum = 0;
    profile.pendingCount = 0;
  }

  /**
   * Whether the weekly profile is worth judging by: its residuals must be much tighter than the series'
   * spread around its own level. Where a series has no weekly shape (a random walk, weather), the hour's
   * usual value is no better a reference than the moving level, and its alarms would be noise.
   */
  private explainsSeries(profile: SeriesProfile): boolean {
    return profile.spreadVariance <= this.options.maxUnexplained * profile.level.variance;
  }

  /**
   * The daily profile's residuals are judged by their own tails: one profile for every day of the week
   * leaves weekends and holidays as heavy tails by construction. The weekly profile's are not: its heavy
   * tails are the anomalies it exists to see (a holiday's taxi demand), and dividing them away costs more
   * detections on the NAB development set than it saves false alarms.
   */
  private tailFactorOf(profile: SeriesProfile): number {
    return this.options.period === 'day' ? profile.tail.factor : 1;
  }

  /** The slot's usual value, once it has been visited in `minVisits` different cycles. */
  private slotMean(profile: SeriesProfile | undefined, slot: number): number | undefined {
    if (!profile) return undefined;
    return (profile.visits[slot] as number) >= this.options.minVisits ? profile.means[slot] : undefined;
  }

  explain(finding: Finding): string {
    const [sensor] = finding.sensors;
    const f = finding.facts;
    const slot = Number(f.slot);
    const when = f.period === 'week' ? `on ${DAYS[Math.floor(slot / 24)]}s` : 'every day';
    const z = Number(f.z);
    return `${sensor} at ${f.value}, z=${z >= 0 ? '+' : ''}${z.toFixed(2)} from its usual ${Number(f.usual).toFixed(3)} ${when} at ${String(slot % 24).padStart(2, '0')}:00 UTC (spread ${Number(f.spread).toFixed(3)})`;
  }
}

/** `x` limited to ± `limit`. */
function clamp(x: number, limit: number): number {
  return Math.min(Math.max(x, -limit), limit);
}
