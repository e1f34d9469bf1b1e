import type { Client } from 'cassandra-driver';
import { createCassandraReadingRepository } from '../../storage/reading.repository.js';
import { normalFactoryReading } from '../support/normal-readings.js';

export interface PacedWritesResult {
  /** Rows written per second over the run. */
  readonly rate: number;
  readonly rows: number;
  /** Each chunk's latency from when it was due (not when it was sent): a stall delays every chunk behind it. */
  readonly latenciesMs: number[];
}

/**
 * Writes `rate` readings a second for `seconds` through the detector's own repository, in chunks of
 * `chunkSize` due at even intervals, at most `inFlight` chunks at once, as the detector's partitions
 * write theirs. Open loop: a chunk's latency counts from when it was due, so a collector pause shows in
 * every chunk that waited for it.
 */
export async function pacedWrites(
  client: Client,
  options: {
    rate: number;
    seconds: number;
    chunkSize: number;
    inFlight: number;
    stations: number;
    prefix: string;
  },
): Promise<PacedWritesResult> {
  const repository = createCassandraReadingRepository(client);
  const chunks = Math.max(1, Math.round((options.rate * options.seconds) / options.chunkSize));
  const intervalMs = (options.chunkSize / options.rate) * 1000;
  const origin = Date.now() - 3_600_000;
  let next = 0;
  const make = () => {
    const seq = next++;
    return normalFactoryReading(`${options.prefix}-s${seq % options.stations}`, seq, origin);
  };
  const latenciesMs: number[] = [];
  const running = new Set<Promise<void>>();
  const started = performance.now();
  for (let c = 0; c < chunks; c++) {
    const due = started + c * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    while (running.size >= options.inFlight) await Promise.race(running);
    const rows = Array.from({ length: options.chunkSize }, make);
    const write: Promise<void> = repository.save(rows).then(() => {
      latenciesMs.push(performance.now() - due);
      running.delete(write);
    });
    running.add(write);
  }
  await Promise.all(running);
  const elapsedS = (performance.now() - started) / 1000;
  return { rate: (chunks * options.chunkSize) / elapsedS, rows: chunks * options.chunkSize, latenciesMs };
}
