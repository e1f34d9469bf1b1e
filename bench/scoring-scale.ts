/**
 * The scoring core's CPU per reading by fleet size, side by side in one run. Every station reads the same
 * simulated signals (fixed seeds and times) whatever the fleet's size, so what differs is only how many
 * stations' state the core holds: a reading costs more when that state no longer fits in the CPU's
 * caches. Fleets alternate round by round; each round scores a fresh core (multi-sensor models trained
 * once, in the warm-up, not again), after one uncounted round that warms the JIT. Prints figures;
 * asserts nothing.
 *
 *   npm run bench:scoring-scale [-- --stations 120,3000 --ticks 300 --rounds 3]
 */
import { parseArgs } from 'node:util';
import { numberListOption, numberOption } from '../common/config/cli-options.js';
import { profileNames, profileOf } from '../common/reading/profiles.js';
import type { Observation } from '../scoring/model.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { SimulatedStation } from '../simulation/station.js';

const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '120,3000' },
    ticks: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
  },
});
const fleetSizes = numberListOption('stations', args.stations, { min: 1 });
const ticks = numberOption('ticks', args.ticks, { min: 2, integer: true });
const rounds = numberOption('rounds', args.rounds, { min: 1, integer: true });

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const TICK_MS = 60_000;

/** Each profile gets the same share of a fleet, so a fleet holds a whole multiple of the profiles. */
function stationsPerProfile(size: number): number {
  return Math.max(1, Math.round(size / profileNames().length));
}

/** µs of process CPU per reading scored over the second half of `ticks` (the first half warms up). */
function scoreFleet(size: number): number {
  const profiles = profileNames();
  const perProfile = stationsPerProfile(size);
  const stations = profiles.flatMap((profile) =>
    Array.from(
      { length: perProfile },
      (_, i) =>
        new SimulatedStation({
          stationId: `${profile}-scale-s${i}`,
          profile,
          anomalyRate: 0.005,
          originTs: ORIGIN,
        }),
    ),
  );
  const core = createScoringCore({ multiSensor: { retrainEvery: 0 } });
  let cpuUs = 0;
  let scored = 0;
  for (let t = 0; t < ticks; t++) {
    const observations: Observation[] = stations.map((station) => {
      const r = station.readingAt(ORIGIN + t * TICK_MS);
      return {
        stationId: r.stationId,
        profile: r.profile,
        profileSpec: profileOf(r.profile),
        ts: Date.parse(r.ts),
        values: r.values,
      };
    });
    const before = process.cpuUsage();
    for (const observation of observations) core.score(observation);
    const used = process.cpuUsage(before);
    if (t >= ticks / 2) {
      cpuUs += used.user + used.system;
      scored += observations.length;
    }
  }
  return cpuUs / scored;
}

// A round of the smallest fleet first, not counted: it is the one that compiles the hot code.
scoreFleet(fleetSizes[0] as number);
const figures = new Map<number, number[]>(fleetSizes.map((size) => [size, []]));
for (let round = 0; round < rounds; round++) {
  for (const size of fleetSizes) figures.get(size)?.push(scoreFleet(size));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
/** "×r" against the first fleet; a run too short for the CPU clock to see has no ratio. */
const ratioTo = (us: number, base: number) => (base > 0 ? `×${(us / base).toFixed(2)}` : '× –');
const smallest = median(figures.get(fleetSizes[0] as number) ?? []);
console.log(`Scoring core, µs of CPU per reading (${ticks} ticks a round, the second half timed):`);
for (const [size, us] of figures) {
  const rounded = us.map((u) => u.toFixed(2)).join(', ');
  console.log(
    `  ${String(stationsPerProfile(size) * profileNames().length).padStart(6)} stations: ${rounded}   median ${median(us).toFixed(2)}   ${ratioTo(median(us), smallest)}`,
  );
}
