import type { Client } from 'cassandra-driver';
import type { ProfileSpec } from '../common/reading/profiles.js';
import { vectorOf } from '../scoring/profile-vector.model.js';
import { createScoringCore, DefaultScoringCore, type ScoringCoreOptions } from '../scoring/scoring-core.js';
import { stationsOfProfiles, storedReadingsByDay } from '../storage/station-history.js';

export interface HistoryWindow {
  readonly profile: string;
  readonly profileSpec: ProfileSpec;
  readonly from: number;
  readonly to: number;
  /** Only stations whose id starts with this (all of the profile's by default). */
  readonly stationPrefix?: string;
  /** Statistics settings, the same as the detector's, so residuals mean the same thing. */
  readonly stats?: ScoringCoreOptions['stats'];
  readonly onStation?: (progress: {
    index: number;
    total: number;
    stationId: string;
    readings: number;
  }) => void;
}

export interface HistoryVectors {
  readonly features: string[];
  readonly vectors: number[][];
  readonly timestamps: number[];
  readonly stations: number;
  readonly readings: number;
}

/**
 * Rebuilds what the detector would have learnt from a profile's stored history: each station's readings
 * in the window are replayed in time order through the statistics model, and the residual vectors of the
 * readings that were normal (judged so then and now) are kept for training. Reads one station-day
 * partition at a time, paged: memory is bounded by the window, not the table.
 */
export async function residualVectorsFromHistory(
  client: Client,
  window: HistoryWindow,
): Promise<HistoryVectors> {
  const features = DefaultScoringCore.featuresOf(window.profileSpec);
  const stations = (await stationsOfProfiles(client, [window.profile], window.stationPrefix)).map(
    (station) => station.stationId,
  );
  const vectors: number[][] = [];
  const timestamps: number[] = [];
  let readings = 0;
  for (const [index, stationId] of stations.entries()) {
    const core = createScoringCore({ stats: window.stats, without: ['kmeans', 'isolation_forest', 'rules'] });
    let count = 0;
    for await (const stored of storedReadingsByDay(client, stationId, window.from, window.to)) {
      const rows = stored.map((row) => ({
        ts: row.ts,
        values: Object.fromEntries(
          Object.keys(window.profileSpec.sensors).map((sensor) => [sensor, row.values[sensor] ?? null]),
        ),
        anomalous: row.isAnomaly,
      }));
      for (const row of rows) {
        const verdict = core.score({
          stationId,
          profile: window.profile,
          profileSpec: window.profileSpec,
          ts: row.ts,
          values: row.values,
        });
        const vector = vectorOf(features, verdict.residuals ?? verdict.zScores);
        if (vector && !verdict.isAnomaly && !row.anomalous && !verdict.warmingUp) {
          vectors.push(vector);
          timestamps.push(row.ts);
        }
      }
      count += rows.length;
    }
    readings += count;
    window.onStation?.({ index: index + 1, total: stations.length, stationId, readings: count });
  }
  return { features, vectors, timestamps, stations: stations.length, readings };
}

/** At most `max` vectors, evenly spread over the input (which spans the window's time). */
export function evenSample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}
