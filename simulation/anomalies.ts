import type { Random } from '../common/random.js';
import { ANOMALY_KINDS, type AnomalyKind } from '../common/reading/reading.js';

/** An anomaly in progress on one or more sensors: how it bends the normal values, and for how long. */
export interface AnomalyEpisode {
  readonly kind: AnomalyKind;
  readonly sensors: readonly string[];
  remaining: number;
  /** Readings since the episode began. */
  age: number;
  /** Size in standard deviations (spike height, shift, drift per reading, noise multiplier). */
  readonly magnitude: number;
  /** The value each stuck sensor repeats. */
  readonly stuckAt: Map<string, number>;
}

export interface SensorForFaults {
  readonly name: string;
  /** Sits at one value for long stretches (rain, solar at night): a frozen value would be no fault. */
  readonly intermittent: boolean;
}

const LENGTHS: Record<AnomalyKind, [number, number]> = {
  spike: [1, 1],
  level_shift: [10, 30],
  drift: [20, 60],
  stuck: [10, 30],
  dropout: [1, 10],
  noise_burst: [5, 15],
  correlated: [5, 20],
};

const MAGNITUDES: Record<AnomalyKind, [number, number]> = {
  spike: [6, 10],
  level_shift: [4, 7],
  drift: [0.2, 0.4],
  stuck: [0, 0],
  dropout: [0, 0],
  noise_burst: [4, 6],
  correlated: [3, 5],
};

/**
 * Starts an episode of one of `kinds` (all by default). Magnitudes are well outside normal noise; a
 * correlated fault moves two or three sensors together, as a shared cause (a power dip, a blocked
 * intake) would.
 */
export function startEpisode(
  random: Random,
  sensors: readonly SensorForFaults[],
  kinds: readonly AnomalyKind[] = ANOMALY_KINDS,
): AnomalyEpisode {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)] as T;
  const between = (lo: number, hi: number) => lo + random.next() * (hi - lo);
  const steady = sensors.filter((s) => !s.intermittent);
  let kind = pick(kinds);
  if (kind === 'stuck' && steady.length === 0) kind = 'spike';
  if (kind === 'correlated' && sensors.length < 2) kind = 'level_shift';
  let chosen: string[];
  if (kind === 'correlated') {
    const shuffled = [...sensors];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as SensorForFaults, shuffled[i] as SensorForFaults];
    }
    chosen = shuffled
      .slice(0, Math.min(sensors.length, 2 + Math.floor(random.next() * 2)))
      .map((s) => s.name);
  } else {
    chosen = [pick(kind === 'stuck' ? steady : sensors).name];
  }
  const [minLength, maxLength] = LENGTHS[kind];
  const [minMagnitude, maxMagnitude] = MAGNITUDES[kind];
  // Faults on an intermittent sensor push it up (a rain gauge reporting rain that is not there): pushed
  // down, a sensor already at zero would not change at all.
  const onIntermittent = chosen.some((name) => sensors.find((s) => s.name === name)?.intermittent);
  const sign = random.next() < 0.5 && !onIntermittent ? -1 : 1;
  return {
    kind,
    sensors: chosen,
    remaining: Math.round(between(minLength, maxLength)),
    age: 0,
    magnitude: sign * between(minMagnitude, maxMagnitude),
    stuckAt: new Map(),
  };
}

/** The value a faulty sensor reports instead of `normal` (null: no value at all). */
export function applyEpisode(
  episode: AnomalyEpisode,
  sensor: string,
  normal: number,
  stdDev: number,
  random: Random,
): number | null {
  switch (episode.kind) {
    case 'spike':
    case 'level_shift':
    case 'correlated':
      return normal + episode.magnitude * stdDev;
    case 'drift':
      return normal + episode.magnitude * (episode.age + 1) * stdDev;
    case 'stuck': {
      const stuck = episode.stuckAt.get(sensor) ?? normal;
      episode.stuckAt.set(sensor, stuck);
      return stuck;
    }
    case 'dropout':
      return null;
    case 'noise_burst':
      return normal + Math.abs(episode.magnitude) * stdDev * random.gaussian();
  }
}

/** Moves the episode on by one reading; false once it is over. */
export function advanceEpisode(episode: AnomalyEpisode): boolean {
  episode.age += 1;
  episode.remaining -= 1;
  return episode.remaining > 0;
}
