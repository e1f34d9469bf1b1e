import type { Reading } from '../../common/reading/reading.js';
import { explain, type ScoredReading } from '../../scoring/scored-reading.js';
import type { Verdict } from '../../scoring/scoring-core.js';

const NORMAL: Verdict = {
  isAnomaly: false,
  severity: 'none',
  score: 0.8,
  findings: [],
  zScores: {},
  warmingUp: false,
};

/**
 * The `seq`th reading of a factory station as the detector stores a normal one: what the Cassandra
 * benchmarks write through its repository. `seq` milliseconds after `origin`, so no two collide.
 */
export function normalFactoryReading(stationId: string, seq: number, origin: number): ScoredReading {
  const reading: Reading = {
    readingId: `${stationId}:${seq}`,
    stationId,
    profile: 'factory',
    ts: new Date(origin + seq).toISOString(),
    seq,
    values: { temperature: 22.5 + (seq % 7) / 10, humidity: 45.1, noise_level: 68.2 },
    label: null,
  };
  return {
    reading,
    verdict: NORMAL,
    explanation: explain(NORMAL),
    detectorVersion: 'bench',
    modelVersion: 'bench',
  };
}
