import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';

export interface SeasonalProfileOptions extends Thresholds {
  /** Visits of an hour of the week (one a week) before that hour's usual value is trusted. */
  readonly minWeeks: number;
  /** Weight of the newest visit in an hour's usual value: 0.2 remembers about nine weeks. */
  readonly slotAlpha: number;
  /** Readings over which the spread of values around their hour's usual value is measured. */
  readonly spreadWindow: number;
  /** Residuals measured before the spread is trusted. */
  readonly minSpreadSamples: number;
  /**
   * Distance from the hour's usual value, in spreads, that counts as the warning score. Higher than the
   * statistics model's: residuals from a weekly profile have heavy tails (holidays, weather).
   */
  readonly seasonalZ: number;
  /** A series gets its 168 slots only once it has been seen for this long, so short-lived ones cost nothing. */
  readonly allocateAfterMs: number;
}

export const DEFAULT_SEASONAL_PROFILE: SeasonalProfileOptions = {
  ...DEFAULT_THRESHOLDS,
  minWeeks: 3,
  slotAlpha: 0.2,
  spreadWindow: 400,
  minSpreadSamples: 100,
  seasonalZ: 6,
  allocateAfterMs: 2 * 86_400_000,
};

const HOURS_PER_WEEK = 168;

/** Hour of the week in UTC, Sunday 00:00 = 0. A station in another time zone keeps its shape, shifted. */
export function hourOfWeek(ts: number): number {
  const date = new Date(ts);
  return date.getUTCDay() * 24 + date.getUTCHours();
}

class SeriesProfile {
  readonly firstTs: number;
  /** Usual value per hour of the week, and how many weeks have taught it; allocated lazily. */
  means: Float64Array | undefined;
  visits: Uint16Array | undefined;
  /** The hour each slot last learnt, so a slot learns once per visit, not once per reading. */
  lastVisit: Float64Array | undefined;
  spreadVariance = 0;
  spreadSamples = 0;

  constructor(ts: number) {
    this.firstTs = ts;
  }
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
export class SeasonalProfileModel implements AnomalyModel {
  readonly name = 'seasonal';
  private readonly series = new Map<string, SeriesProfile>();
  private readonly spreadAlpha: number;

  constructor(private readonly options: SeasonalProfileOptions = DEFAULT_SEASONAL_PROFILE) {
    this.spreadAlpha = 2 / (options.spreadWindow + 1);
  }

  warmingUp(): boolean {
    // Weeks of history are a bonus, not a precondition: the other models judge meanwhile.
    return false;
  }

  score(observation: Observation): Finding[] {
    const findings: Finding[] = [];
    const slot = hourOfWeek(observation.ts);
    for (const [sensor, value] of Object.entries(observation.values)) {
      if (value === null) continue;
      const profile = this.series.get(key(observation.stationId, sensor));
      const usual = this.slotMean(profile, slot);
      if (!profile || usual === undefined || profile.spreadSamples < this.options.minSpreadSamples) continue;
      const spread = Math.sqrt(profile.spreadVariance);
      if (!(spread > 0)) continue;
      const z = (value - usual) / spread;
      const score = (Math.abs(z) * this.options.warningZ) / this.options.seasonalZ;
      findings.push({
        model: this.name,
        kind: 'seasonal',
        sensors: [sensor],
        score,
        severity: severityOf(score, this.options),
        facts: { value, usual, spread, z, hourOfWeek: slot },
      });
    }
    return findings;
  }

  learn(observation: Observation): void {
    const slot = hourOfWeek(observation.ts);
    const visit = Math.floor(observation.ts / 3_600_000);
    for (const [sensor, value] of Object.entries(observation.values)) {
      if (value === null || !Number.isFinite(value)) continue;
      const id = key(observation.stationId, sensor);
      let profile = this.series.get(id);
      if (!profile) {
        profile = new SeriesProfile(observation.ts);
        this.series.set(id, profile);
      }
      if (!profile.means) {
        if (observation.ts - profile.firstTs < this.options.allocateAfterMs) continue;
        profile.means = new Float64Array(HOURS_PER_WEEK);
        profile.visits = new Uint16Array(HOURS_PER_WEEK);
        profile.lastVisit = new Float64Array(HOURS_PER_WEEK).fill(-1);
      }
      this.learnValue(profile, slot, visit, value);
    }
  }

  private learnValue(profile: SeriesProfile, slot: number, visit: number, value: number): void {
    const means = profile.means as Float64Array;
    const visits = profile.visits as Uint16Array;
    const lastVisit = profile.lastVisit as Float64Array;
    const o = this.options;
    const usual = this.slotMean(profile, slot);
    const spreadNow = Math.sqrt(profile.spreadVariance);
    const trusted = profile.spreadSamples >= o.minSpreadSamples && spreadNow > 0;
    if (usual !== undefined) {
      // Clipped like the value below: one fault must not widen the spread the next is judged against.
      const limit = o.seasonalZ * spreadNow;
      const residual = trusted ? Math.min(Math.max(value - usual, -limit), limit) : value - usual;
      profile.spreadVariance =
        profile.spreadSamples === 0
          ? residual * residual
          : (1 - this.spreadAlpha) * profile.spreadVariance + this.spreadAlpha * residual * residual;
      profile.spreadSamples += 1;
    }
    const count = visits[slot] as number;
    if (count === 0) {
      means[slot] = value;
      visits[slot] = 1;
      lastVisit[slot] = visit;
      return;
    }
    const mean = means[slot] as number;
    const clipped = trusted
      ? Math.min(Math.max(value, mean - o.seasonalZ * spreadNow), mean + o.seasonalZ * spreadNow)
      : value;
    // Early on, an average of every visit so far; then an exponential memory of `slotAlpha`.
    const weight = Math.max(o.slotAlpha, 1 / (count + 1));
    means[slot] = mean + weight * (clipped - mean);
    if (lastVisit[slot] !== visit) {
      visits[slot] = Math.min(count + 1, 65_535);
      lastVisit[slot] = visit;
    }
  }

  /** The slot's usual value, once it has been visited on `minWeeks` different weeks. */
  private slotMean(profile: SeriesProfile | undefined, slot: number): number | undefined {
    if (!profile?.means || !profile.visits) return undefined;
    return (profile.visits[slot] as number) >= this.options.minWeeks ? profile.means[slot] : undefined;
  }

  explain(finding: Finding): string {
    const [sensor] = finding.sensors;
    const f = finding.facts;
    const slot = Number(f.hourOfWeek);
    const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][
      Math.floor(slot / 24)
    ];
    const z = Number(f.z);
    return `${sensor} at ${f.value}, z=${z >= 0 ? '+' : ''}${z.toFixed(2)} from its usual ${Number(f.usual).toFixed(3)} on ${day}s at ${String(slot % 24).padStart(2, '0')}:00 UTC (spread ${Number(f.spread).toFixed(3)})`;
  }
}

function key(stationId: string, sensor: string): string {
  return `${stationId}\u0000${sensor}`;
}
