import type { Reading } from '../common/reading/reading.js';
import type { Verdict } from './scoring-core.js';

/** A reading with the detector's verdict: what is stored in Cassandra and published to the scored topic. */
export interface ScoredReading {
  readonly reading: Reading;
  readonly verdict: Verdict;
  /** explain(verdict), made once and used by both the stored row and the scored message. */
  readonly explanation: string;
  readonly detectorVersion: string;
  /** The version of the profile's multi-sensor models that judged it (undefined: not trained yet). */
  readonly modelVersion?: string | undefined;
  /** Where the reading was read from (for tracing and diagnostics). */
  readonly source?: { readonly partition: number; readonly offset: string };
}

/** A raw message the detector refused, with where it came from and why. */
export interface RejectedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: string;
  readonly code: string;
  readonly reason: string;
}

/**
 * The human-readable account of a verdict, stored with the row: each finding's explanation, worst first
 * ("temperature at 31.2, z=+6.20 (mean 22.1, σ 1.4); K-means distance 4.1 from centroid 2 ...").
 */
export function explain(verdict: Verdict): string {
  if (verdict.isAnomaly) return verdict.findings.map((f) => `[${f.model}] ${f.explanation}`).join('; ');
  if (verdict.warmingUp && verdict.score === 0) return 'warming up: not enough history to judge';
  return `normal: highest score ${verdict.score.toFixed(2)}`;
}

/** The sensors a verdict blames, worst first, each once. */
export function blamedSensors(verdict: Verdict): string[] {
  return [...new Set(verdict.findings.flatMap((f) => f.sensors))];
}

/** The version of the scored topic's messages this detector writes (see docs/operations.md). */
export const SCORED_MESSAGE_VERSION = 2;

/**
 * The JSON published to `sensor.readings.scored`: what its readers use, and nothing they can read in
 * Cassandra instead. Every reading crosses Kafka twice, three replicas each time, so each byte here
 * counts twice over: version 1 repeated the whole reading and verdict (649 bytes on average: its label,
 * every finding, the detector's and model's versions, when it was scored); version 2 keeps the
 * station, time, sequence, values, severity and scores, and the explanation only for anomalies (414).
 */
export function encodeScored(scored: ScoredReading): Buffer {
  const { reading, verdict, explanation } = scored;
  const zScores: Record<string, number> = {};
  for (const sensor in verdict.zScores) zScores[sensor] = round(verdict.zScores[sensor] as number);
  return Buffer.from(
    JSON.stringify({
      v: SCORED_MESSAGE_VERSION,
      stationId: reading.stationId,
      profile: reading.profile,
      ts: reading.ts,
      seq: reading.seq,
      values: reading.values,
      verdict: verdict.isAnomaly
        ? {
            isAnomaly: true,
            severity: verdict.severity,
            score: round(verdict.score),
            zScores,
            sensors: blamedSensors(verdict),
            explanation,
          }
        : { isAnomaly: false, severity: verdict.severity, score: round(verdict.score), zScores },
    }),
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
