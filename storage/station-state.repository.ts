import { type Client, types } from 'cassandra-driver';
import { executeInBatches, type Statement, toRepositoryError } from './reading.repository.js';

/** The Kafka partition a detector's checkpoint belongs to, within its consumer group. */
export interface PartitionRef {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/** One station's checkpointed state. */
export interface StationStateRow {
  readonly stationId: string;
  /** The partition's offset up to which the state holds every reading of the station. */
  readonly throughOffset: number;
  /** The layout the state was encoded with (STATION_STATE_VERSION then). */
  readonly version: number;
  readonly state: Buffer;
}

export interface StationStateRepository {
  /** Writes the rows; resolves once all are written. Rejects with a RepositoryError. */
  save(where: PartitionRef, rows: readonly StationStateRow[]): Promise<void>;
  /** Every station's latest state in the partition. */
  load(where: PartitionRef): Promise<StationStateRow[]>;
}

// The write timestamp is the offset: of two writes of one station, the later offset wins (schema.cql).
const UPSERT = `INSERT INTO station_state
  (group_id, topic, partition, station_id, through_offset, state_version, state)
  VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`;

const SELECT = `SELECT station_id, through_offset, state_version, state FROM station_state
  WHERE group_id = ? AND topic = ? AND partition = ?`;

/**
 * The detector's checkpoints in Cassandra. A station's state is some 10 kB, so rows go one per request
 * (a batch of them would pass Cassandra's batch size limits), several in flight.
 */
export function createCassandraStationStateRepository(
  client: Client,
  { concurrency = 16 } = {},
): StationStateRepository {
  return {
    async save(where, rows) {
      const statements: Statement[] = rows.map((row) => ({
        query: UPSERT,
        params: [
          where.groupId,
          where.topic,
          where.partition,
          row.stationId,
          types.Long.fromNumber(row.throughOffset),
          row.version,
          row.state,
          types.Long.fromNumber(row.throughOffset),
        ],
      }));
      try {
        await executeInBatches(client, statements, 1, concurrency);
      } catch (error) {
        throw toRepositoryError(error);
      }
    },

    async load(where) {
      const rows: StationStateRow[] = [];
      const params = [where.groupId, where.topic, where.partition];
      // Paged, a few hundred kB a page: a partition of a thousand stations is some 3 MB deflated.
      let pageState: string | undefined;
      try {
        do {
          const result = await client.execute(SELECT, params, {
            prepare: true,
            fetchSize: 100,
            ...(pageState ? { pageState } : {}),
          });
          for (const row of result.rows) {
            rows.push({
              stationId: row.station_id as string,
              throughOffset: Number(row.through_offset),
              version: row.state_version as number,
              state: row.state as Buffer,
            });
          }
          pageState = result.pageState ?? undefined;
        } while (pageState);
      } catch (error) {
        throw toRepositoryError(error, 'read');
      }
      return rows;
    },
  };
}
