import { poissonDraw, type Random, seededRandom } from '../common/random.js';

/**
 * Anomaly-free series of the shapes that break a naive moving σ: flat, noise-free, quantised, zero-filled,
 * clipped, tiny or huge. Each is a function of the reading index and a seeded random source, so a property
 * test can draw as many as it likes and a failure names the generator and seed that made it.
 */
export interface AdversarialSeries {
  readonly name: string;
  /** Readings after which a genuine change in the series is allowed one alarm (the flat-then-noise case). */
  readonly changesAt?: number;
  value(index: number, random: Random): number;
}

const gaussianWalk = (mean: number, stdDev: number, keep = 0.98) => {
  let deviation = 0;
  return (random: Random) => {
    deviation = keep * deviation + Math.sqrt(1 - keep * keep) * stdDev * random.gaussian();
    return mean + deviation;
  };
};

/** The series, made afresh for each use (some keep state between readings). */
export function adversarialSeries(): AdversarialSeries[] {
  const clipped = gaussianWalk(95, 4, 0.95);
  return [
    { name: 'a constant', value: () => 45 },
    { name: 'all zeros', value: () => 0 },
    {
      name: 'zeros with rare activity',
      value: (_, random) => (random.next() < 0.01 ? 5 + 45 * random.next() : 0),
    },
    { name: 'alternating values', value: (i) => (i % 2 === 0 ? 19 : 21) },
    { name: 'a walk clipped at a bound', value: (_, random) => Math.min(100, clipped(random)) },
    { name: 'tiny magnitudes', value: (_, random) => 1e-9 + 1e-11 * random.gaussian() },
    { name: 'huge magnitudes', value: (_, random) => 1e12 + 1e9 * random.gaussian() },
    { name: 'integer counts', value: (_, random) => poissonDraw(5, random) },
    { name: 'a noise-free sine', value: (i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 1440) },
    { name: 'a square wave', value: (i) => (i % 60 < 18 ? 100 : 0) },
    {
      name: 'a long flat stretch, then noise',
      changesAt: 2000,
      value: (i, random) => (i < 2000 ? 10 : 10 + random.gaussian()),
    },
  ];
}

/** Draws `length` values of a series with a seed. */
export function drawSeries(series: AdversarialSeries, seed: number, length: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length }, (_, i) => series.value(i, random));
}
