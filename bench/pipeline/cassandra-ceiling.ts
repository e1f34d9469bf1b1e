import type { Client } from 'cassandra-driver';
import { createCassandraReadingRepository } from '../../storage/reading.repository.js';
import { normalFactoryReading } from '../support/normal-readings.js';

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
  const make = (i: number) => normalFactoryReading(`${options.stationPrefix}-s${i % 100}`, i, started);
  // A warm-up chunk: the statements are prepared and the connections open before timing starts.
  await repository.save(Array.from({ length: options.chunkSize }, (_, i) => make(i)));
  const t0 = performance.now();
  for (let i = options.chunkSize; i < options.readings + options.chunkSize; i += options.chunkSize) {
    await repository.save(Array.from({ length: options.chunkSize }, (_, k) => make(i + k)));
  }
  return (options.readings / (performance.now() - t0)) * 1000;
}
