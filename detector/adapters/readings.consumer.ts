import { CONSUMER_RETRY } from '../../common/kafka/client.js';
import type { KafkaClient } from '../../common/kafka/kafkajs.js';
import type { Logger } from '../../common/logger.js';
import type { Detector, HandledChunk } from '../detector.js';
import type { DetectorMetrics } from '../metrics.js';
import type { CommitOffset, StateCheckpoints } from '../state-checkpoints.js';

export interface ReadingsConsumer {
  start(): Promise<void>;
  /** Stops fetching, lets the chunk in hand finish or be abandoned, commits what was stored, leaves the group. */
  stop(): Promise<void>;
  isConnected(): boolean;
}

/**
 * The detector's Kafka consumer. Offsets are resolved per chunk only after the detector has stored it,
 * and committed once per commit interval: a crash replays at most that interval's chunks, and since
 * writes are idempotent a replay stores nothing twice (at-least-once delivery, exactly-once storage).
 */
export function createReadingsConsumer(options: {
  kafka: KafkaClient;
  groupId: string;
  topic: string;
  chunkSize: number;
  /** Partitions handled at once; each partition's chunks stay in order, so each station's do. */
  partitionsConcurrently: number;
  /** Least time between two offset commits (0: after every chunk). A crash replays at most this much. */
  commitIntervalMs: number;
  /**
   * Checkpoints of the stations' learnt state. With them, offsets are committed only by checkpoints (so
   * never past the saved state), and each assigned partition is restored before its first chunk.
   */
  checkpoints?: StateCheckpoints;
  /** How long a broker may hold a fetch to gather minBytes: fewer, larger batches (and chunks). */
  fetchBatching: { maxWaitMs: number; minBytes: number };
  detector: Detector;
  metrics: DetectorMetrics;
  logger: Logger;
}): ReadingsConsumer {
  const {
    kafka,
    groupId,
    topic,
    chunkSize,
    partitionsConcurrently,
    commitIntervalMs,
    checkpoints,
    fetchBatching,
    detector,
    metrics,
    logger,
  } = options;
  // A 10 s session (kafkajs defaults to 30 s): a crashed detector's partitions move to the others sooner.
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 2 * 1024 * 1024,
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    retry: CONSUMER_RETRY,
    maxWaitTimeInMs: fetchBatching.maxWaitMs,
    minBytes: fetchBatching.minBytes,
  });
  let connected = false;
  consumer.on(consumer.events.CONNECT, () => {
    connected = true;
  });
  consumer.on(consumer.events.DISCONNECT, () => {
    connected = false;
    metrics.assignedPartitions.set(0);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    logger.info('joined consumer group', { groupId, memberAssignment: payload.memberAssignment });
    metrics.groupJoins.inc();
    metrics.assignedPartitions.set(payload.memberAssignment[topic]?.length ?? 0);
    checkpoints?.assigned(payload.memberAssignment[topic] ?? []);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error('consumer crashed', { error: payload.error, restart: payload.restart });
  });

  // Batches trigger commits; when the readings stop, this commits what the last ones left resolved.
  let commitDue: (() => Promise<void>) | undefined;
  // Partitions finish chunks at the same moment: one commit at a time carries all their offsets, where
  // each would otherwise send the same commit (kafkajs marks offsets committed only once answered).
  let committing = false;
  const commitIfDue = async (commit: () => Promise<void>) => {
    if (committing) return;
    committing = true;
    try {
      await commit();
    } finally {
      committing = false;
    }
  };
  let stopping = false;
  const commitOutsideBatch: CommitOffset = (partition, offset) =>
    consumer.commitOffsets([{ topic, partition, offset }]);
  const quietCommits = setInterval(
    () => {
      if (checkpoints) {
        // Partitions whose readings paused are checkpointed too, so their offsets do not hang back.
        checkpoints
          .checkpointIdle(commitOutsideBatch, { isRunning: () => connected && !stopping })
          .catch((error) => logger.debug('idle checkpoint failed', { error }));
        return;
      }
      if (!commitDue) return;
      commitIfDue(commitDue).catch((error) => logger.debug('interval commit failed', { error }));
    },
    Math.max(commitIntervalMs, 100),
  );
  quietCommits.unref();

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        // Offsets are resolved only after their chunk is stored, and committed at most once per
        // commitIntervalMs. kafkajs's autoCommit would commit after every fetched batch (dozens a second,
        // each a replicated write to __consumer_offsets, which cost the brokers more CPU than the
        // readings themselves); with it off, commitOffsetsIfNecessary still honours the interval.
        autoCommit: false,
        autoCommitInterval: commitIntervalMs > 0 ? commitIntervalMs : null,
        autoCommitThreshold: commitIntervalMs > 0 ? null : 1,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: partitionsConcurrently,
        eachBatch: async ({
          batch,
          resolveOffset,
          heartbeat,
          commitOffsetsIfNecessary,
          uncommittedOffsets,
          isRunning,
          isStale,
        }) => {
          commitDue = commitOffsetsIfNecessary;
          const running = () => isRunning() && !isStale();
          const { partition } = batch;
          const commitInBatch: CommitOffset = (p, offset) =>
            commitOffsetsIfNecessary({
              topics: [{ topic: batch.topic, partitions: [{ partition: p, offset }] }],
            });
          for (let start = 0; start < batch.messages.length && running(); start += chunkSize) {
            const chunk = batch.messages.slice(start, start + chunkSize);
            const first = chunk[0];
            const last = chunk[chunk.length - 1];
            if (!first || !last) continue;
            await checkpoints?.beforeChunk(
              partition,
              { firstOffset: first.offset, highWatermark: batch.highWatermark },
              { isRunning: running, heartbeat },
            );
            let handled: HandledChunk;
            try {
              handled = await detector.handleChunk(
                chunk.map((m) => ({
                  key: m.key,
                  value: m.value,
                  partition,
                  offset: m.offset,
                  headers: m.headers,
                })),
                {
                  sourceTopic: batch.topic,
                  heartbeat,
                  isRunning: running,
                  ...(checkpoints
                    ? {
                        admit: (message, stationId) =>
                          checkpoints.admit(partition, stationId, message.offset),
                      }
                    : {}),
                },
              );
            } catch (error) {
              // The stations may have learnt readings that were not stored: they are restored, and the
              // partition resumes where the restored state continues from.
              const resumeAt = checkpoints?.chunkAbandoned(partition);
              if (resumeAt !== undefined && isRunning())
                consumer.seek({ topic: batch.topic, partition, offset: resumeAt });
              throw error;
            }
            resolveOffset(last.offset);
            if (checkpoints) {
              checkpoints.afterChunk(
                partition,
                { stations: handled.stations, lastOffset: last.offset, handled: chunk.length },
                commitInBatch,
                { isRunning: running, heartbeat },
              );
            } else {
              await commitIfDue(commitOffsetsIfNecessary);
            }
            await heartbeat();
            const lag = Number(batch.highWatermark) - (Number(last.offset) + 1);
            metrics.consumerLag.labels(String(partition)).set(Math.max(0, lag));
          }
          // Stopping: save and commit everything stored before the group is left, so the next owner
          // starts there.
          if (!isRunning()) {
            if (checkpoints) await checkpoints.stopping(partition, commitInBatch);
            else await commitOffsetsIfNecessary(uncommittedOffsets());
          }
        },
      });
    },
    async stop() {
      clearInterval(quietCommits);
      // Partitions with no chunk in hand are saved now; the one in hand saves as its batch ends.
      await checkpoints
        ?.checkpointIdle(commitOutsideBatch, { isRunning: () => connected }, true)
        .catch((error) => logger.warn('final checkpoint failed; the next owner replays more', { error }));
      stopping = true;
      await consumer.stop();
      // A checkpoint taken after the last chunk may still be writing: Cassandra is closed after this.
      await checkpoints?.settled();
      await consumer.disconnect();
    },
    isConnected: () => connected,
  };
}
