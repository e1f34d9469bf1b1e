import type { Client } from 'cassandra-driver';
import { createLogger } from '../../common/logger.js';
import { createDetectorMetrics } from '../../detector/metrics.js';
import { StateCheckpoints } from '../../detector/state-checkpoints.js';
import { createScoringCore } from '../../scoring/scoring-core.js';
import { encodeStates, STATION_STATE_VERSION } from '../../scoring/station-state.js';
import { createCassandraStationStateRepository } from '../../storage/station-state.repository.js';
import { fleetOfStates, warmStationStates } from '../support/warm-states.js';

export interface StateRestoreFigures {
  readonly stations: number;
  readonly partitions: number;
  /** Deflated bytes written to Cassandra, in all and per station. */
  readonly bytes: number;
  readonly bytesPerStation: number;
  /** The checkpoint of every station: export, deflate, write. */
  readonly checkpointSeconds: number;
  /**
   * A fresh detector given every partition, all at once as the detector does: the rows read and held
   * dormant, which is what its partitions wait for before they are judged again.
   */
  readonly restoreSeconds: number;
  readonly restoreUsPerStation: number;
  /** Then every station's first reading: its state inflated and imported into the models. */
  readonly wakeSeconds: number;
  readonly wakeUsPerStation: number;
}

/**
 * The restore a detector waits for when it is given partitions: `stations` stations of warmed-up state,
 * spread over `partitions` partitions, checkpointed into Cassandra through the detector's own code, then
 * restored by a fresh core, every partition at once (the detector handles partitions concurrently).
 */
export async function measureStateRestore(
  cassandra: Client,
  { stations, partitions, run }: { stations: number; partitions: number; run: string },
): Promise<StateRestoreFigures> {
  const name = `bench.${run}.state`;
  const ids = Array.from({ length: stations }, (_, i) => `bench-${run}-state-${i}`);
  const byPartition = Array.from({ length: partitions }, (_, p) =>
    ids.filter((_, i) => i % partitions === p),
  );
  const repository = createCassandraStationStateRepository(cassandra);
  const checkpointsOf = (core: ReturnType<typeof createScoringCore>) => {
    const checkpoints = new StateCheckpoints({
      core,
      repository,
      groupId: name,
      topic: name,
      intervalMs: 0,
      // Every station encoded at the chunk's end, as a stopping detector does: the time measured is the
      // whole checkpoint's, not a slice's.
      captureSliceMs: Number.POSITIVE_INFINITY,
      metrics: createDetectorMetrics(),
      logger: createLogger({ service: 'bench' }, 'warn'),
    });
    checkpoints.assigned(byPartition.map((_, p) => p));
    return checkpoints;
  };
  const context = { isRunning: () => true };
  const batch = { firstOffset: '0', highWatermark: '1000000' };

  // The writing core goes out of scope before the restore: two cores of 10 000 stations would leave the
  // restore measuring this process's garbage collector.
  const checkpointSeconds = await (async () => {
    const warm = warmStationStates(10, 700);
    const source = createScoringCore();
    source.importStations(
      encodeStates({
        version: STATION_STATE_VERSION,
        stations: fleetOfStates(warm, stations, `bench-${run}-state`),
      }),
    );
    const writer = checkpointsOf(source);
    const started = performance.now();
    for (const [p, members] of byPartition.entries()) {
      await writer.beforeChunk(p, batch, context);
      writer.afterChunk(
        p,
        { stations: members, lastOffset: '999', handled: members.length },
        async () => {},
        context,
      );
    }
    await Promise.all(byPartition.map((_, p) => writer.written(p)));
    return (performance.now() - started) / 1000;
  })();
  const bytes = await storedBytes(cassandra, name, partitions);

  const restored = createScoringCore();
  const reader = checkpointsOf(restored);
  const restoreStart = performance.now();
  await Promise.all(byPartition.map((_, p) => reader.beforeChunk(p, batch, context)));
  const restoreSeconds = (performance.now() - restoreStart) / 1000;
  const wakeStart = performance.now();
  for (const [p, members] of byPartition.entries())
    for (const id of members) reader.admit(p, id, batch.highWatermark);
  const wakeSeconds = (performance.now() - wakeStart) / 1000;
  const back = restored.exportEachStation(ids).size;
  if (back !== stations) throw new Error(`restored ${back} of ${stations} stations`);
  for (let p = 0; p < partitions; p++) {
    await cassandra.execute(
      'DELETE FROM station_state WHERE group_id = ? AND topic = ? AND partition = ?',
      [name, name, p],
      { prepare: true },
    );
  }
  return {
    stations,
    partitions,
    bytes,
    bytesPerStation: bytes / stations,
    checkpointSeconds,
    restoreSeconds,
    restoreUsPerStation: (restoreSeconds * 1e6) / stations,
    wakeSeconds,
    wakeUsPerStation: (wakeSeconds * 1e6) / stations,
  };
}

async function storedBytes(cassandra: Client, name: string, partitions: number): Promise<number> {
  const repository = createCassandraStationStateRepository(cassandra);
  let bytes = 0;
  for (let partition = 0; partition < partitions; partition++) {
    for (const row of await repository.load({ groupId: name, topic: name, partition }))
      bytes += row.state.length;
  }
  return bytes;
}
