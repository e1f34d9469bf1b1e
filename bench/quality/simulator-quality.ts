import { type ProfileSpec, profileOf } from '../../common/reading/profiles.js';
import type { AnomalyKind } from '../../common/reading/reading.js';
import { createScoringCore, type ScoringCoreOptions } from '../../scoring/scoring-core.js';
import { SimulatedStation } from '../../simulation/station.js';
import { countEvents, type EventCounts, emptyCounts, type JudgedReading } from './event-metrics.js';

export interface SimulatorRunOptions {
  readonly profile: string;
  /** Kinds injected in this run (all of them in the mixed run, one in each per-kind run). */
  readonly kinds: readonly AnomalyKind[];
  readonly stations: number;
  readonly readingsPerStation: number;
  readonly intervalMs: number;
  readonly anomalyRate: number;
  readonly originTs: number;
  /** Part of every station id: runs with different seeds simulate different stations. */
  readonly seed: string;
  readonly probation: number;
  readonly grace: number;
  readonly core?: ScoringCoreOptions;
  /** The stations' sensors, when not the whole profile's (one family's sensors, for its own figures). */
  readonly profileSpec?: ProfileSpec;
}

export interface SimulatorRunResult {
  readonly overall: EventCounts;
  readonly byKind: Map<string, EventCounts>;
  readonly readings: number;
  readonly elapsedMs: number;
  /** The part of elapsedMs spent in the scoring core (the rest simulates readings and keeps the tally). */
  readonly scoringMs: number;
  /** Flags on readings with no label, by the worst finding's model, kind and sensor: where false alarms come from. */
  readonly falseFlagSources: Map<string, number>;
}

/**
 * Runs the detector's scoring core over a labelled simulated fleet (seeded: the same options give the same
 * readings and the same figures) and counts detections against the injected ground truth.
 */
export function runSimulator(options: SimulatorRunOptions): SimulatorRunResult {
  const profileSpec = options.profileSpec ?? profileOf(options.profile);
  const core = createScoringCore(options.core);
  const stations = Array.from(
    { length: options.stations },
    (_, i) =>
      new SimulatedStation({
        stationId: `${options.profile}-${options.seed}-s${i}`,
        profile: options.profile,
        anomalyRate: options.anomalyRate,
        anomalyKinds: options.kinds,
        originTs: options.originTs,
        profileSpec,
      }),
  );
  const series: JudgedReading[][] = stations.map(() => []);
  const falseFlagSources = new Map<string, number>();
  const started = performance.now();
  let scoringMs = 0;
  for (let t = 0; t < options.readingsPerStation; t++) {
    const ts = options.originTs + t * options.intervalMs;
    stations.forEach((station, s) => {
      const reading = station.readingAt(ts);
      const scoringStarted = performance.now();
      // Anomalies injected during probation are still shown to the models, but not counted.
      const verdict = core.score({
        stationId: reading.stationId,
        profile: reading.profile,
        profileSpec,
        ts,
        values: reading.values,
      });
      scoringMs += performance.now() - scoringStarted;
      series[s]?.push({
        label: reading.label?.kind ?? null,
        flagged: verdict.isAnomaly,
        episode: station.lastEpisode,
      });
      const worst = verdict.findings[0];
      if (verdict.isAnomaly && !reading.label && worst) {
        const source = `${worst.model}/${worst.kind}/${worst.sensors.join('+')}`;
        falseFlagSources.set(source, (falseFlagSources.get(source) ?? 0) + 1);
      }
    });
  }
  const elapsedMs = performance.now() - started;
  const overall = emptyCounts();
  const byKind = new Map<string, EventCounts>();
  for (const stationSeries of series) {
    countEvents(stationSeries, { grace: options.grace, probation: options.probation }, overall, byKind);
  }
  return {
    overall,
    byKind,
    readings: options.stations * options.readingsPerStation,
    elapsedMs,
    scoringMs,
    falseFlagSources,
  };
}
