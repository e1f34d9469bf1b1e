/**
 * `npm run bench:live-replay`: the live demo's detection quality, replayed in one process where it can be
 * compared run against run. The demo (`npm start`) is judged 20 minutes in, on its reading-level quality
 * counters over the last 15 minutes; but its simulated stations follow daily cycles and on/off pumps on
 * wall-clock time, so that figure depends on the hour the stack was started. Here the same fleet (two
 * producer replicas of 10 stations per profile, a reading a second, 1 % episode starts) goes through a
 * scoring core configured as the stack's detector (multi-sensor models trained on a 900 s window, never
 * retrained), from fixed start times. Prints precision and recall; asserts nothing.
 *
 *   npm run bench:live-replay [-- --start 2026-12-01T19:12:30Z --start 2026-12-01T12:00:00Z]
 */
import { parseArgs } from 'node:util';
import { profileNames, profileOf } from '../common/reading/profiles.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { SimulatedStation } from '../simulation/station.js';

const STATIONS_PER_PROFILE = 20;
const READINGS = 20 * 60;
const JUDGED_FROM = 5 * 60;

const { values: args } = parseArgs({
  options: {
    start: { type: 'string', multiple: true, default: ['2026-12-01T12:00:00Z', '2026-12-01T19:12:30Z'] },
  },
});

interface Counts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

function replay(origin: number): Map<string, Counts> {
  const core = createScoringCore({
    multiSensor: { window: 4000, minTraining: 1000, retrainEvery: 0, windowSpanMs: 900_000 },
    clock: () => origin,
  });
  const stations = profileNames().flatMap((profile) =>
    Array.from({ length: STATIONS_PER_PROFILE }, (_, i) => {
      const stationId = `${profile}-native-${1 + (i % 2)}-s${String(i >> 1).padStart(3, '0')}`;
      return {
        profile,
        profileSpec: profileOf(profile),
        station: new SimulatedStation({ stationId, profile, anomalyRate: 0.01, originTs: origin }),
      };
    }),
  );
  const byProfile = new Map<string, Counts>();
  for (let t = 0; t < READINGS; t++) {
    const ts = origin + t * 1000;
    for (const { profile, profileSpec, station } of stations) {
      const reading = station.readingAt(ts);
      const verdict = core.score({
        stationId: reading.stationId,
        profile,
        profileSpec,
        ts,
        values: reading.values,
      });
      if (t < JUDGED_FROM) continue;
      const counts = byProfile.get(profile) ?? { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
      byProfile.set(profile, counts);
      if (reading.label) verdict.isAnomaly ? counts.truePositives++ : counts.falseNegatives++;
      else if (verdict.isAnomaly) counts.falsePositives++;
    }
  }
  return byProfile;
}

function summary(counts: readonly Counts[]): string {
  const sum = (key: keyof Counts) => counts.reduce((total, c) => total + c[key], 0);
  const tp = sum('truePositives');
  const precision = tp / Math.max(1, tp + sum('falsePositives'));
  const recall = tp / Math.max(1, tp + sum('falseNegatives'));
  return `precision ${precision.toFixed(3)} recall ${recall.toFixed(3)}`;
}

for (const start of args.start) {
  const origin = Date.parse(start);
  if (!Number.isFinite(origin)) throw new Error(`--start must be an ISO time, got ${start}`);
  const byProfile = replay(origin);
  console.log(`\nStarted ${new Date(origin).toISOString()}, judged over minutes 5 to 20:`);
  console.log(`  all profiles         ${summary([...byProfile.values()])}`);
  for (const [profile, counts] of byProfile) console.log(`  ${profile.padEnd(20)} ${summary([counts])}`);
}
