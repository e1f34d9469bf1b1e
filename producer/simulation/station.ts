import { PROFILES, type ProfileName, type SensorSpec } from '../../common/reading/profiles.js';
import type { Reading } from '../../common/reading/reading.js';
import { type AnomalyEpisode, applyEpisode, startEpisode } from './anomalies.js';
import { type Random, seededRandom, seedFrom } from './random.js';
import { SensorSignal, type SignalOptions } from './signal.js';

export interface StationOptions {
  readonly stationId: string;
  readonly profile: ProfileName;
  /** Probability that a reading starts an anomaly episode (episodes then last several readings). */
  readonly anomalyRate: number;
  /** Time the simulation starts at; drift is measured from here. */
  readonly originTs: number;
  readonly signal?: SignalOptions;
  /** Defaults to a seed derived from the station id, so a station's signal is the same every run. */
  readonly random?: Random;
}

const DEFAULT_SIGNAL: SignalOptions = { reversionPerHour: 6, driftPerDay: 0.1 };

/**
 * One simulated station: each sensor follows its own mean-reverting, seasonal, drifting signal, and now
 * and then an anomaly episode bends one sensor. Every reading of an episode carries the ground-truth
 * label, so detection quality can be measured.
 */
export class SimulatedStation {
  private readonly random: Random;
  private readonly sensors: ReadonlyArray<readonly [string, SensorSpec, SensorSignal]>;
  private episode: AnomalyEpisode | undefined;
  private seq = 0;

  constructor(private readonly options: StationOptions) {
    this.random = options.random ?? seededRandom(seedFrom(options.stationId));
    const specs = PROFILES[options.profile].sensors as Readonly<Record<string, SensorSpec>>;
    this.sensors = Object.entries(specs).map(
      ([name, spec]) =>
        [
          name,
          spec,
          new SensorSignal(spec, options.signal ?? DEFAULT_SIGNAL, this.random, options.originTs),
        ] as const,
    );
  }

  get stationId(): string {
    return this.options.stationId;
  }

  /** The reading at `ts` (timestamps must not go backwards). */
  readingAt(ts: number): Reading {
    if (!this.episode && this.random.next() < this.options.anomalyRate) {
      this.episode = startEpisode(
        this.random,
        this.sensors.map(([name]) => name),
      );
    }
    const values: Record<string, number> = {};
    for (const [name, spec, signal] of this.sensors) {
      let value = signal.valueAt(ts);
      if (this.episode?.sensor === name) value = applyEpisode(this.episode, value, spec.stdDev, this.random);
      const [min, max] = spec.validRange;
      // Physical sensors saturate at their limits rather than report the impossible.
      values[name] = round(Math.min(max, Math.max(min, value)), 3);
    }
    const label = this.episode ? { kind: this.episode.kind, sensors: [this.episode.sensor] } : null;
    if (this.episode && this.episode.remaining <= 0) this.episode = undefined;
    const seq = this.seq++;
    return {
      readingId: `${this.options.stationId}:${seq}`,
      stationId: this.options.stationId,
      profile: this.options.profile,
      ts: new Date(ts).toISOString(),
      seq,
      values,
      label,
    };
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
