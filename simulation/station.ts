import { type Random, seededRandom, seedFrom } from '../common/random.js';
import {
  type ProfileName,
  type ProfileSpec,
  profileOf,
  type SensorSpec,
} from '../common/reading/profiles.js';
import { ANOMALY_KINDS, type AnomalyKind, type Reading } from '../common/reading/reading.js';
import { type AnomalyEpisode, advanceEpisode, applyEpisode, startEpisode } from './anomalies.js';
import { SensorSignal } from './signal.js';

export interface StationOptions {
  readonly stationId: string;
  readonly profile: ProfileName;
  /** Probability that a reading starts an anomaly episode (episodes then last several readings). */
  readonly anomalyRate: number;
  /** Time the simulation starts at; drift is measured from here. */
  readonly originTs: number;
  /** Kinds of anomaly to inject (all by default); the quality benchmark measures one kind at a time. */
  readonly anomalyKinds?: readonly AnomalyKind[];
  /** The profile's sensors, when not the named profile's own (the quality benchmark's one-family stations). */
  readonly profileSpec?: ProfileSpec;
  /** Defaults to a seed derived from the station id, so a station's signal is the same every run. */
  readonly random?: Random;
}

/**
 * One simulated station: each sensor follows its own mean-reverting, seasonal, drifting signal, and now
 * and then an anomaly episode bends one sensor. Every reading of an episode carries the ground-truth
 * label, so detection quality can be measured.
 */
export class SimulatedStation {
  private readonly random: Random;
  private readonly sensors: ReadonlyArray<readonly [string, SensorSpec, SensorSignal]>;
  private episode: AnomalyEpisode | undefined;
  private episodesStarted = 0;
  private seq = 0;
  /**
   * The number of the episode that labelled the last reading (undefined: it had no label). One fault can
   * leave some of its readings unchanged (a downward shift of a count already at 0, an upward one of a tank
   * already full); its labelled readings are still one episode, not several.
   */
  lastEpisode: number | undefined;

  constructor(private readonly options: StationOptions) {
    this.random = options.random ?? seededRandom(seedFrom(options.stationId));
    const specs = (options.profileSpec ?? profileOf(options.profile)).sensors;
    this.sensors = Object.entries(specs).map(
      ([name, spec]) => [name, spec, new SensorSignal(spec, this.random, options.originTs)] as const,
    );
  }

  /** What the sensor reports for `value`: saturated at its physical limits, on its resolution (0.001 by default). */
  private report(value: number | null, spec: SensorSpec): number | null {
    if (value === null) return null;
    const [min, max] = spec.validRange;
    const clipped = Math.min(max, Math.max(min, value));
    return spec.resolution === undefined
      ? round(clipped, 3)
      : round(Math.round(clipped / spec.resolution) * spec.resolution, 6);
  }

  get stationId(): string {
    return this.options.stationId;
  }

  /** The reading at `ts` (timestamps must not go backwards). */
  readingAt(ts: number): Reading {
    if (!this.episode && this.random.next() < this.options.anomalyRate) {
      this.episode = startEpisode(
        this.random,
        this.sensors.map(([name, spec]) => ({ name, intermittent: spec.intermittent })),
        this.options.anomalyKinds ?? ANOMALY_KINDS,
      );
      this.episodesStarted += 1;
    }
    const values: Record<string, number | null> = {};
    const affected: string[] = [];
    for (const [name, spec, signal] of this.sensors) {
      const raw = signal.valueAt(ts);
      const normal = this.report(raw, spec);
      let value: number | null = normal;
      if (this.episode?.sensors.includes(name)) {
        const faulty = applyEpisode(this.episode, name, raw, spec.stdDev, this.random);
        value = this.report(faulty, spec);
        // Ground truth is what the fault did to the reading: a downward spike on a sensor already at zero,
        // or the first reading of a frozen value, left it unchanged and is no anomaly anyone could see.
        // Nor is one the sensor's range cut to less than a standard deviation: a tank at 97 % pushed up
        // reads the 100 % it reads whenever it is full.
        const cut = faulty !== null && (faulty < spec.validRange[0] || faulty > spec.validRange[1]);
        const shown = value === null || normal === null ? Number.POSITIVE_INFINITY : Math.abs(value - normal);
        if (value !== normal && !(cut && shown < spec.stdDev)) affected.push(name);
      }
      values[name] = value;
    }
    const label = this.episode && affected.length > 0 ? { kind: this.episode.kind, sensors: affected } : null;
    this.lastEpisode = label ? this.episodesStarted : undefined;
    if (this.episode && !advanceEpisode(this.episode)) this.episode = undefined;
    const seq = this.seq++;
    return {
      readingId: `${this.options.stationId}:${seq}`,
      stationId: this.options.stationId,
      profile: this.options.profile,
      ts: isoTime(ts),
      seq,
      values,
      label,
    };
  }
}

/**
 * The ISO form of `ts`, remembered for the next call: a fleet's stations read at the same instants, and
 * formatting the same time again for each of them was a twentieth of the quality benchmark's time.
 */
function isoTime(ts: number): string {
  if (ts !== lastIso.ts) {
    lastIso.ts = ts;
    lastIso.text = new Date(ts).toISOString();
  }
  return lastIso.text;
}

const lastIso = { ts: Number.NaN, text: '' };

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
