import type { Client } from 'cassandra-driver';
import type { Reading } from '../../common/reading/reading.js';
import { explain, type ScoredReading } from '../../scoring/scored-reading.js';
import type { Verdict } from '../../scoring/scoring-core.js';
import { createCassandraReadingRepository } from '../../storage/reading.repository.js';

const NORMAL: Verdict = {
  isAnomaly: false,
  severity: 'none',
  score: 0.8,
  findings: [],
  zScores: {},
  warmingUp: false,
};

/**
 * Cassandra's raw insert ceiling with exactly what the detector does: its repository (prepared
 * statements, LOCAL_QUORUM, executeConcurrent at its concurrency) saving chunks of its chunk size,
 * one after the other. Readings per second.
 */
export async function measureCassandraCeiling(
  client: Client,
  options: { readings: number; chunkSize: number; stationPrefix: string },
): Promise<number> {
  const repository = createCassandraReadingRepository(client);
  const started = Date.now() - 60_000;
  const make = (i: number): ScoredReading => {
    const stationId = `${options.stationPrefix}-s${i % 100}`;
    const reading: Reading = {
      readingId: `${stationId}:${i}`,
      stationId,
      profile: 'factory',
      ts: new Date(started + i).toISOString(),
      seq: i,
      values: { temperature: 22.5, humidity: 45.1, noise_level: 68.2 },
      label: null,
    };
    return {
      reading,
      verdict: NORMAL,
      explanation: explain(NORMAL),
      detectorVersion: 'bench',
      modelVersion: 'bench',
    };
  };
  // A warm-up chunk: the statements are prepared and the connections open before timing starts.
  await repository.save(Array.from({ length: options.chunkSize }, (_, i) => make(i)));
  const t0 = performance.now();
  for (let i = options.chunkSize; i < options.readings + options.chunkSize; i += options.chunkSize) {
    await repository.save(Array.from({ length: options.chunkSize }, (_, k) => make(i + k)));
  }
  return (options.readings / (performance.now() - t0)) * 1000;
}
