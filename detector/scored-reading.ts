import type { Reading } from '../common/reading/reading.js';
import type { Verdict } from './scoring/verdict.js';

/** A reading with the detector's verdict: what is stored in Cassandra and published to the scored topic. */
export interface ScoredReading {
  readonly reading: Reading;
  readonly verdict: Verdict;
  /** explain(verdict), made once and used by both the stored row and the scored message. */
  readonly explanation: string;
  readonly detectorVersion: string;
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

/** The human-readable account of a verdict, stored with the row ("temperature z=+6.2 (mean 22.1, σ 1.4)"). */
export function explain(verdict: Verdict): string {
  if (verdict.warmingUp && verdict.score === 0) return 'warming up: not enough history to judge';
  if (!verdict.isAnomaly) return `normal: largest |z| ${verdict.score.toFixed(2)}`;
  return verdict.anomalousSensors
    .map((e) => {
      const z = `${e.z >= 0 ? '+' : ''}${e.z.toFixed(2)}`;
      return `${e.sensor} z=${z} (value ${e.value}, mean ${e.mean.toFixed(3)}, σ ${e.stdDev.toFixed(3)})`;
    })
    .join('; ');
}

/** The JSON published to `sensor.readings.scored`. */
export function encodeScored(scored: ScoredReading, scoredAt: number): Buffer {
  const { reading, verdict, explanation, detectorVersion } = scored;
  return Buffer.from(
    JSON.stringify({
      ...reading,
      verdict: {
        isAnomaly: verdict.isAnomaly,
        severity: verdict.severity,
        score: round(verdict.score),
        explanation,
        sensors: verdict.anomalousSensors.map((e) => ({ sensor: e.sensor, z: round(e.z) })),
        zScores: Object.fromEntries(Object.entries(verdict.zScores).map(([sensor, z]) => [sensor, round(z)])),
      },
      detectorVersion,
      scoredAt: new Date(scoredAt).toISOString(),
    }),
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
