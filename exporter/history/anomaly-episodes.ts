import type { StoredAnomaly } from '../../storage/anomaly.repository.js';

/**
 * A run of one station's anomalous readings with no gap longer than the episode gap between two of them:
 * what an operator thinks of as one incident, where the history holds one row per reading.
 */
export interface AnomalyEpisode {
  readonly stationId: string;
  readonly profile: string;
  /** Time of its first and last anomalous reading (ISO 8601). */
  readonly start: string;
  readonly end: string;
  /** The worst severity among its readings. */
  readonly severity: string;
  /** Its highest score, and the explanation and model version of the reading that had it. */
  readonly peakScore: number;
  readonly explanation: string;
  readonly modelVersion: string | null;
  /** How many anomalous readings it spans. */
  readonly readings: number;
  /** A one-line summary for an annotation's title: station, severity and length. */
  readonly title: string;
}

const SEVERITY_RANK: Record<string, number> = { warning: 1, critical: 2 };

/**
 * Groups anomalies (any order, any stations) into episodes, newest first. Two anomalies of a station
 * belong to one episode when at most `gapMs` apart.
 */
export function anomalyEpisodes(anomalies: readonly StoredAnomaly[], gapMs: number): AnomalyEpisode[] {
  const byStation = new Map<string, Array<StoredAnomaly & { at: number }>>();
  for (const anomaly of anomalies) {
    const list = byStation.get(anomaly.stationId) ?? [];
    list.push({ ...anomaly, at: Date.parse(anomaly.ts) });
    byStation.set(anomaly.stationId, list);
  }
  const episodes: AnomalyEpisode[] = [];
  for (const list of byStation.values()) {
    list.sort((a, b) => a.at - b.at || a.seq - b.seq);
    let run: typeof list = [];
    for (const anomaly of list) {
      const last = run.at(-1);
      if (last && anomaly.at - last.at > gapMs) {
        episodes.push(episodeOf(run));
        run = [];
      }
      run.push(anomaly);
    }
    if (run.length > 0) episodes.push(episodeOf(run));
  }
  return episodes.sort((a, b) => b.start.localeCompare(a.start) || a.stationId.localeCompare(b.stationId));
}

function episodeOf(run: ReadonlyArray<StoredAnomaly & { at: number }>): AnomalyEpisode {
  const first = run[0] as StoredAnomaly & { at: number };
  const last = run[run.length - 1] as StoredAnomaly & { at: number };
  let peak = first;
  let severity = first.severity;
  for (const anomaly of run) {
    if (anomaly.score > peak.score) peak = anomaly;
    if ((SEVERITY_RANK[anomaly.severity] ?? 0) > (SEVERITY_RANK[severity] ?? 0)) severity = anomaly.severity;
  }
  const seconds = Math.round((last.at - first.at) / 1000);
  return {
    stationId: first.stationId,
    profile: first.profile,
    start: first.ts,
    end: last.ts,
    severity,
    peakScore: peak.score,
    explanation: peak.explanation,
    modelVersion: peak.modelVersion,
    readings: run.length,
    title: `${first.stationId}: ${severity} for ${seconds} s (${run.length} readings)`,
  };
}
