import type { AnomalyKind } from '../../common/reading/reading.js';
import type { Random } from './random.js';

/** An anomaly in progress on one sensor: how it bends the normal value, and for how many more readings. */
export interface AnomalyEpisode {
  readonly kind: AnomalyKind;
  readonly sensor: string;
  remaining: number;
  /** Readings since the episode began. */
  age: number;
  /** Size in standard deviations (spike height, shift, drift per reading, noise multiplier). */
  readonly magnitude: number;
  /** The value a stuck sensor repeats. */
  stuckAt?: number;
}

/** Starts an episode of a random kind on a random sensor. Magnitudes are well outside normal noise. */
export function startEpisode(random: Random, sensors: readonly string[]): AnomalyEpisode {
  const kinds: readonly AnomalyKind[] = ['spike', 'level_shift', 'drift', 'stuck', 'noise_burst'];
  const kind = kinds[Math.floor(random.next() * kinds.length)] as AnomalyKind;
  const sensor = sensors[Math.floor(random.next() * sensors.length)] as string;
  const sign = random.next() < 0.5 ? -1 : 1;
  const between = (lo: number, hi: number) => lo + random.next() * (hi - lo);
  const lengths: Record<AnomalyKind, [number, number]> = {
    spike: [1, 1],
    level_shift: [10, 30],
    drift: [20, 60],
    stuck: [10, 30],
    noise_burst: [5, 15],
  };
  const magnitudes: Record<AnomalyKind, [number, number]> = {
    spike: [6, 10],
    level_shift: [4, 7],
    drift: [0.2, 0.4],
    stuck: [0, 0],
    noise_burst: [4, 6],
  };
  const [minLength, maxLength] = lengths[kind];
  const [minMagnitude, maxMagnitude] = magnitudes[kind];
  return {
    kind,
    sensor,
    remaining: Math.round(between(minLength, maxLength)),
    age: 0,
    magnitude: sign * between(minMagnitude, maxMagnitude),
  };
}

/** The value the faulty sensor reports instead of `normal`; advances the episode by one reading. */
export function applyEpisode(
  episode: AnomalyEpisode,
  normal: number,
  stdDev: number,
  random: Random,
): number {
  episode.age += 1;
  episode.remaining -= 1;
  switch (episode.kind) {
    case 'spike':
    case 'level_shift':
      return normal + episode.magnitude * stdDev;
    case 'drift':
      return normal + episode.magnitude * episode.age * stdDev;
    case 'stuck':
      episode.stuckAt ??= normal;
      return episode.stuckAt;
    case 'noise_burst':
      return normal + Math.abs(episode.magnitude) * stdDev * random.gaussian();
  }
}
