import { seededRandom, seedFrom } from '../common/random.js';
import type { ProfileName } from '../common/reading/profiles.js';
import type { Reading } from '../common/reading/reading.js';
import { SimulatedStation } from '../simulation/station.js';

export interface FleetOptions {
  readonly replicaId: string;
  readonly profiles: readonly ProfileName[];
  /** Stations per profile. */
  readonly stations: number;
  readonly anomalyRate: number;
  readonly originTs: number;
  /**
   * Seeds the stations' signals from this and their place in the fleet instead of their ids, so a fleet
   * with a fresh replica id (a test's) still produces the same values in every run.
   */
  readonly seed?: number;
}

/** Station ids of a replica: `<profile>-<replica>-s<n>`, unique across replicas with distinct replica ids. */
export function stationIds(profile: string, replicaId: string, count: number): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from(
    { length: count },
    (_, i) => `${profile}-${replicaId}-s${String(i + 1).padStart(width, '0')}`,
  );
}

/** The stations one producer replica simulates; each tick yields one reading per station. */
export class Fleet {
  readonly stations: readonly SimulatedStation[];

  constructor(options: FleetOptions) {
    this.stations = options.profiles.flatMap((profile) =>
      stationIds(profile, options.replicaId, options.stations).map(
        (stationId, i) =>
          new SimulatedStation({
            stationId,
            profile,
            anomalyRate: options.anomalyRate,
            originTs: options.originTs,
            ...(options.seed === undefined
              ? {}
              : { random: seededRandom(seedFrom(`${options.seed}/${profile}/${i}`)) }),
          }),
      ),
    );
  }

  tick(ts: number): Reading[] {
    return this.tickSlice(ts, 0, 1);
  }

  /** A reading from each station of one slice of the fleet: station i belongs to slice i mod `slices`. */
  tickSlice(ts: number, slice: number, slices: number): Reading[] {
    const readings: Reading[] = [];
    for (let i = slice; i < this.stations.length; i += slices) {
      readings.push((this.stations[i] as SimulatedStation).readingAt(ts));
    }
    return readings;
  }
}
