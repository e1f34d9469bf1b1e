/**
 * `npm run bench:quality`: how good the detector's scoring core is, measured, not claimed.
 *  1. Labelled simulator data (fixed seeds): precision, recall and F1 per profile and per anomaly type, and
 *     how long detection takes.
 *  2. The Numenta Anomaly Benchmark: the normalised score per NAB profile and per series, next to the
 *     published detectors' scores on the same series.
 * Prints tables and writes bench/out/quality.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { numberOption } from '../common/config/cli-options.js';
import { profileNames } from '../common/reading/profiles.js';
import { ANOMALY_KINDS } from '../common/reading/reading.js';
import {
  type EventCounts,
  emptyCounts,
  mergeCounts,
  type Quality,
  qualityOf,
} from './quality/event-metrics.js';
import { runFamilies } from './quality/families.js';
import { nabBaselines, runNab, writeNabResults } from './quality/nab/nab-benchmark.js';
import { loadNabCorpus } from './quality/nab/nab-data.js';
import { runSimulator, type SimulatorRunOptions } from './quality/simulator-quality.js';

const here = import.meta.dirname;
const { values: args } = parseArgs({
  options: {
    'nab-data': { type: 'string', default: path.join(here, 'nab/data') },
    'nab-labels': { type: 'string', default: path.join(here, 'nab/labels/combined_windows.json') },
    'nab-reference': { type: 'string', default: path.join(here, 'nab/reference') },
    'nab-out': { type: 'string' },
    out: { type: 'string', default: path.join(here, 'out/quality.json') },
    stations: { type: 'string', default: '10' },
    days: { type: 'string', default: '2' },
    'skip-simulator': { type: 'boolean', default: false },
    'skip-nab': { type: 'boolean', default: false },
  },
});

const INTERVAL_MS = 60_000;
const base: Omit<SimulatorRunOptions, 'profile' | 'kinds' | 'seed'> = {
  stations: numberOption('stations', args.stations, { min: 1, integer: true }),
  readingsPerStation: Math.round((numberOption('days', args.days, { min: 0 }) * 86_400_000) / INTERVAL_MS),
  intervalMs: INTERVAL_MS,
  // Episodes start at 0.5 % of readings: a few percent of readings are anomalous, depending on the kind.
  anomalyRate: 0.005,
  // A Monday, so building profiles see working days and a weekend comes only in longer runs.
  originTs: Date.parse('2026-01-05T00:00:00Z'),
  // Five hours to learn baselines before anything counts; flags up to five readings after an episode
  // belong to it (the signal settling back).
  probation: 300,
  grace: 5,
};

const pct = (x: number) => (Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const row = (name: string, q: Quality) =>
  `${name.padEnd(18)} ${pct(q.precision)} ${pct(q.recall)} ${pct(q.f1)} ${String(q.episodes).padStart(8)} ${String(q.falseAlarms).padStart(7)} ${formatDelay(q.delayP50).padStart(8)} ${formatDelay(q.delayP95).padStart(8)}`;
const header = (title: string) =>
  `${title.padEnd(18)} ${'prec.'.padStart(6)} ${'recall'.padStart(6)} ${'F1'.padStart(6)} ${'episodes'.padStart(8)} ${'f.alarm'.padStart(7)} ${'TTD p50'.padStart(8)} ${'TTD p95'.padStart(8)}`;

function formatDelay(readings: number): string {
  return Number.isNaN(readings) ? '-' : `${(readings * INTERVAL_MS) / 60_000} min`;
}

function qualityJson(q: Quality) {
  return {
    precision: q.precision,
    recall: q.recall,
    f1: q.f1,
    episodes: q.episodes,
    detected: q.detected,
    falseAlarms: q.falseAlarms,
    timeToDetectSeconds: { p50: (q.delayP50 * INTERVAL_MS) / 1000, p95: (q.delayP95 * INTERVAL_MS) / 1000 },
  };
}

const output: Record<string, unknown> = { generatedAt: new Date().toISOString() };

if (!args['skip-simulator']) {
  const started = performance.now();
  console.log(
    `Simulator: ${base.stations} stations per profile, one reading a minute for ${args.days} days, episodes start at ${100 * base.anomalyRate}% of readings; fixed seeds.\n`,
  );
  // Mixed runs: every kind of anomaly in every profile.
  const overall = emptyCounts();
  const byProfile: Record<string, Quality> = {};
  const falseAlarmSources = new Map<string, number>();
  let readings = 0;
  let scoringMs = 0;
  console.log(header('profile (all kinds)'));
  for (const profile of profileNames()) {
    const run = runSimulator({ ...base, profile, kinds: ANOMALY_KINDS, seed: 'mixed' });
    mergeCounts(overall, run.overall);
    readings += run.readings;
    scoringMs += run.scoringMs;
    byProfile[profile] = qualityOf(run.overall);
    for (const [source, n] of run.falseFlagSources) {
      const key = `${profile}: ${source}`;
      falseAlarmSources.set(key, (falseAlarmSources.get(key) ?? 0) + n);
    }
    console.log(row(profile, byProfile[profile] as Quality));
  }
  const overallQuality = qualityOf(overall);
  console.log(row('overall', overallQuality));

  // One run per kind and profile, so each kind's precision counts the false alarms of its own runs.
  console.log(`\n${header('anomaly type')}`);
  const byType: Record<string, Quality> = {};
  for (const kind of ANOMALY_KINDS) {
    const counts: EventCounts = emptyCounts();
    for (const profile of profileNames()) {
      const run = runSimulator({ ...base, profile, kinds: [kind], seed: kind });
      mergeCounts(counts, run.overall);
      readings += run.readings;
      scoringMs += run.scoringMs;
    }
    byType[kind] = qualityOf(counts);
    console.log(row(kind, byType[kind] as Quality));
  }
  // Each family of awkward sensors alone: faults, and anomaly-free controls.
  console.log(`\n${header('sensor family')} ${'f.alarm/10k (control)'.padStart(22)}`);
  const families = runFamilies(base);
  readings += families.readings;
  scoringMs += families.scoringMs;
  for (const [family, q] of Object.entries(families.byFamily)) {
    console.log(`${row(family, q.faults)} ${q.falseAlarmsPer10k.toFixed(2).padStart(22)}`);
  }
  const worst = [...falseAlarmSources].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(
    `\nFlags on unlabelled readings, by source (mixed runs): ${worst.map(([s, n]) => `${s} ${n}`).join('; ') || 'none'}`,
  );
  const seconds = (performance.now() - started) / 1000;
  // The scoring core's own rate is the detector's; the whole loop also simulates and tallies every reading.
  console.log(
    `${readings} readings scored: ${Math.round(perSecond(readings, scoringMs))} readings/s in the scoring core (${(scoringMs / 1000).toFixed(1)} s), ${Math.round(perSecond(readings, 1000 * seconds))} readings/s with simulating and counting them (${seconds.toFixed(1)} s).\n`,
  );
  output.simulator = {
    config: { ...base, days: numberOption('days', args.days, { min: 0 }) },
    overall: qualityJson(overallQuality),
    byProfile: Object.fromEntries(Object.entries(byProfile).map(([k, q]) => [k, qualityJson(q)])),
    byType: Object.fromEntries(Object.entries(byType).map(([k, q]) => [k, qualityJson(q)])),
    byFamily: Object.fromEntries(
      Object.entries(families.byFamily).map(([k, q]) => [
        k,
        {
          ...qualityJson(q.faults),
          falseAlarmsPer10k: q.falseAlarmsPer10k,
          controlReadings: q.controlReadings,
        },
      ]),
    ),
    readings,
    readingsPerSecond: perSecond(readings, 1000 * seconds),
    scoringReadingsPerSecond: perSecond(readings, scoringMs),
  };
}

/** NAB's original five series, the set the detector was first tuned on: printed on their own too. */
const ORIGINAL_FIVE = [
  'artificialWithAnomaly/art_daily_jumpsup.csv',
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
  'realKnownCause/ambient_temperature_system_failure.csv',
  'realKnownCause/nyc_taxi.csv',
  'realTraffic/speed_7578.csv',
];

if (!args['skip-nab']) {
  const started = performance.now();
  const corpus = loadNabCorpus(args['nab-data'], args['nab-labels']);
  const { result, scores } = runNab(corpus);
  const rows = corpus.reduce((sum, series) => sum + series.values.length, 0);
  const seconds = (performance.now() - started) / 1000;
  const profiles = Object.keys(result.byProfile);
  const line = (name: string, byProfile: Record<string, number>) =>
    `${name.padEnd(18)} ${profiles.map((p) => (byProfile[p] as number).toFixed(2).padStart(20)).join('')}`;
  const table = (title: string, ours: typeof result, baselines: Record<string, typeof result>) => {
    console.log(`${title}\n\n${'detector'.padEnd(18)} ${profiles.map((p) => p.padStart(20)).join('')}`);
    const ranked = [['sensorwatch', ours] as const, ...Object.entries(baselines)].sort(
      (a, b) => (b[1].byProfile.standard as number) - (a[1].byProfile.standard as number),
    );
    for (const [name, r] of ranked)
      console.log(line(name === 'sensorwatch' ? '> sensorwatch' : name, r.byProfile));
  };
  const baselines = nabBaselines(corpus, args['nab-reference']);
  table(
    `NAB: ${corpus.length} series from ${path.relative(process.cwd(), args['nab-data']) || '.'}, ${rows} rows scored in ${seconds.toFixed(1)} s; threshold re-optimised on them for every detector.`,
    result,
    baselines,
  );
  const five = corpus.filter((series) => ORIGINAL_FIVE.includes(series.name));
  let fiveResult: typeof result | undefined;
  if (five.length === ORIGINAL_FIVE.length && five.length < corpus.length) {
    fiveResult = runNab(five).result;
    console.log('');
    table(
      'NAB, the original five alone (threshold re-optimised on them):',
      fiveResult,
      nabBaselines(five, args['nab-reference']),
    );
  }
  console.log(`\nPer series (raw NAB score at the standard threshold ${result.threshold.toFixed(4)}):`);
  for (const [series, score] of Object.entries(result.bySeries))
    console.log(`  ${series.padEnd(48)} ${score.toFixed(3)}`);
  if (args['nab-out']) {
    writeNabResults(args['nab-out'], corpus, scores);
    console.log(`\nPer-row scores written to ${path.join(args['nab-out'], 'sensorwatch')}`);
  }
  output.nab = {
    data: args['nab-data'],
    series: corpus.length,
    standard: result.byProfile.standard,
    byProfile: result.byProfile,
    threshold: result.threshold,
    bySeries: result.bySeries,
    baselines: Object.fromEntries(Object.entries(baselines).map(([k, r]) => [k, r.byProfile])),
    ...(fiveResult ? { originalFive: fiveResult.byProfile } : {}),
    rowsPerSecond: rows / seconds,
  };
}

mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(output, null, 2)}\n`);
console.log(`\nFigures written to ${args.out}`);

/** Readings per second over `ms`; 0, not NaN, when nothing was timed (`--days 0`). */
function perSecond(readings: number, ms: number): number {
  return ms > 0 ? readings / (ms / 1000) : 0;
}
