import type { Logger } from '../common/logger.js';
import { retryWithBackoff } from '../common/retry.js';
import { blamedSensors, type RejectedMessage, type ScoredReading } from '../scoring/scored-reading.js';
import { type ReadingRepository, RepositoryError } from '../storage/reading.repository.js';
import type { DetectorOutputs } from './adapters/kafka-outputs.js';
import { ChunkTrace, type TraceTarget } from './chunk-tracing.js';
import type { DetectorMetrics, QUALITY_OUTCOMES } from './metrics.js';
import type { Scorer } from './process-messages.js';
import { processMessages, type RawMessage } from './process-messages.js';

export interface ChunkContext {
  readonly sourceTopic: string;
  /** Keeps the consumer's group membership alive while a chunk waits for Cassandra. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was taken away: give up the chunk, uncommitted. */
  isRunning(): boolean;
  /**
   * Whether a reading is to be judged: not when the station's restored state holds it already (it is
   * stored then), and it is skipped. May bring the station's state into the models first.
   */
  admit?(message: RawMessage, stationId: string): boolean;
}

/** What a handled chunk changed: the stations whose learnt state moved. */
export interface HandledChunk {
  readonly stations: ReadonlySet<string>;
}

export interface Detector {
  /**
   * Handles one chunk of messages: validate and score them, store the valid ones, dead-letter the others,
   * publish the scored ones. Resolves only when all of that is durable, so the caller may then commit the
   * chunk's offsets. Rejects if it was abandoned (stopping), leaving the offsets uncommitted.
   */
  handleChunk(messages: readonly RawMessage[], context: ChunkContext): Promise<HandledChunk>;
  /** Why the detector cannot currently do its work (Cassandra failing), for /readyz. */
  notReadyReason(): string | undefined;
}

export interface DetectorDependencies {
  readonly scorer: Scorer;
  readonly repository: ReadingRepository;
  readonly outputs: DetectorOutputs;
  readonly metrics: DetectorMetrics;
  readonly logger: Logger;
  readonly detectorVersion: string;
  /** What the detector's spans name: its consumer group and keyspace (the topic comes with each chunk). */
  readonly traceTarget?: Omit<TraceTarget, 'topic'>;
  readonly now?: () => number;
  /** Backoff of storage retries: doubles from `initialMs` up to `maxMs`. */
  readonly retry?: { initialMs: number; maxMs: number };
}

/**
 * Live detection quality, reading by reading: simulated readings carry their ground truth, so every
 * verdict is a true positive, a false negative, a false positive, or (unlabelled and unflagged) nothing.
 */
export function qualityOutcome(
  label: string | undefined,
  flagged: boolean,
): (typeof QUALITY_OUTCOMES)[number] | undefined {
  if (label) return flagged ? 'true_positive' : 'false_negative';
  return flagged ? 'false_positive' : undefined;
}

export class ChunkAbandonedError extends Error {
  constructor() {
    super('chunk abandoned: the consumer is stopping or lost its partition');
    this.name = 'ChunkAbandonedError';
  }
}

export function createDetector(deps: DetectorDependencies): Detector {
  const now = deps.now ?? (() => Date.now());
  const retry = deps.retry ?? { initialMs: 200, maxMs: 10_000 };
  let storageFailure: string | undefined;
  const deadLetters = new DeadLetterWatermarks();

  /**
   * Retries a write until it succeeds: a reading is never dropped because Cassandra is away for a while.
   * A write Cassandra refuses as such (a bad query or value) fails the same way every time, so it is thrown.
   */
  async function untilStored(write: () => Promise<void>, context: ChunkContext): Promise<void> {
    // Each attempt is timed on its own, and only a write that succeeded is recorded, as before.
    const timedWrite = async () => {
      const timer = deps.metrics.cassandraWriteSeconds.startTimer();
      await write();
      timer();
    };
    try {
      await retryWithBackoff(timedWrite, {
        ...retry,
        isRetriable: (error) => !(error instanceof RepositoryError) || error.retriable,
        onRetry: (error, backoffMs) => {
          deps.metrics.cassandraWriteErrors.labels('true').inc();
          storageFailure = (error as Error).message;
          deps.logger.warn('storing readings failed; retrying', { error, backoffMs });
          if (!context.isRunning()) throw new ChunkAbandonedError();
        },
        beforeAttempt: async () => {
          await context.heartbeat().catch(() => {});
          if (!context.isRunning()) throw new ChunkAbandonedError();
        },
      });
      storageFailure = undefined;
    } catch (error) {
      if (error instanceof RepositoryError && !error.retriable)
        deps.metrics.cassandraWriteErrors.labels('false').inc();
      throw error;
    }
  }

  /**
   * The chunk's readings, set aside whole on the dead-letter topic with the reason, when Cassandra refuses
   * to store them: retried, they would block their partition forever; dropped, they would be lost.
   */
  function notStorable(
    messages: readonly RawMessage[],
    scored: readonly ScoredReading[],
    error: RepositoryError,
  ): RejectedMessage[] {
    const byOffset = new Map(messages.map((m) => [`${m.partition}:${m.offset}`, m]));
    deps.logger.error('Cassandra refused the chunk; its readings go to the dead-letter topic', {
      error,
      readings: scored.length,
    });
    return scored.flatMap(({ source }) => {
      const message = source && byOffset.get(`${source.partition}:${source.offset}`);
      return message ? [{ ...message, code: 'not_storable', reason: error.message }] : [];
    });
  }

  return {
    async handleChunk(messages, context) {
      deps.metrics.consumed.inc(messages.length);
      const chunkTrace = new ChunkTrace(messages, {
        topic: context.sourceTopic,
        groupId: deps.traceTarget?.groupId ?? '',
        keyspace: deps.traceTarget?.keyspace ?? '',
      });
      try {
        const judged = processMessages(
          messages,
          deps.scorer,
          deps.detectorVersion,
          now(),
          undefined,
          context.admit?.bind(context),
        );
        const { scored, skipped } = judged;
        if (skipped > 0) deps.metrics.stateSkipped.inc(skipped);
        const rejected = deadLetters.notYetSent(context.sourceTopic, judged.rejected);
        const resent = judged.rejected.length - rejected.length;
        if (resent > 0) deps.metrics.deadLettersSkipped.inc(resent);
        chunkTrace.annotate(scored, rejected);
        const writeStart = Date.now();
        // Storing and publishing run side by side (the chunk waits for the slower, not for both in turn);
        // the offsets are committed only once all three are done.
        const [notStored] = await Promise.all([
          untilStored(() => deps.repository.save(scored), context).then(
            () => {
              chunkTrace.stored(scored, writeStart, Date.now());
              return [];
            },
            async (error: unknown) => {
              if (!(error instanceof RepositoryError) || error.retriable) throw error;
              const setAside = notStorable(messages, scored, error);
              await deps.outputs.deadLetter(setAside, context.sourceTopic);
              counted(setAside);
              return setAside;
            },
          ),
          deps.outputs.deadLetter(rejected, context.sourceTopic).then(() => {
            deadLetters.sent(context.sourceTopic, rejected);
            counted(rejected);
          }),
          deps.outputs.publishScored(scored),
        ]);
        record(notStored.length > 0 ? [] : scored, [...rejected, ...notStored], chunkTrace);
        return { stations: new Set(scored.map((one) => one.reading.stationId)) };
      } finally {
        chunkTrace.end();
      }
    },
    notReadyReason: () => (storageFailure ? `storage failing: ${storageFailure}` : undefined),
  };

  /**
   * Dead letters are counted once acknowledged, whether or not their chunk is stored in the end: a replay
   * of the chunk does not send them again.
   */
  function counted(rejected: readonly RejectedMessage[]) {
    for (const r of rejected) deps.metrics.deadLettered.labels(r.code).inc();
  }

  /** The chunk's metrics, once it is durable; a sampled reading's latency carries its trace id as exemplar. */
  function record(
    scored: readonly ScoredReading[],
    rejected: readonly RejectedMessage[],
    chunkTrace: ChunkTrace,
  ) {
    const storedAt = now();
    // Counted once per profile and chunk: prom-client hashes the labels on every increment.
    const storedByProfile = new Map<string, number>();
    for (const one of scored) {
      const { reading, verdict } = one;
      const labels = { profile: reading.profile };
      storedByProfile.set(reading.profile, (storedByProfile.get(reading.profile) ?? 0) + 1);
      const traceId = chunkTrace.traceIdOf(one);
      // prom-client types exemplar labels like the metric's; an exemplar's are its own (trace_id).
      const exemplarLabels = traceId ? ({ trace_id: traceId } as never) : undefined;
      deps.metrics.endToEndSeconds.observe({
        labels,
        value: (storedAt - Date.parse(reading.ts)) / 1000,
        exemplarLabels,
      });
      deps.metrics.anomalyScore.observe({ labels, value: verdict.score, exemplarLabels });
      if (verdict.isAnomaly) {
        const worst = blamedSensors(verdict)[0];
        if (worst) deps.metrics.anomalies.labels(reading.profile, worst, verdict.severity).inc();
      }
      for (const finding of verdict.findings) {
        deps.metrics.findings.labels(reading.profile, finding.model, finding.kind).inc();
      }
      const outcome = qualityOutcome(reading.label?.kind, verdict.isAnomaly);
      if (outcome) deps.metrics.quality.labels(reading.profile, reading.label?.kind ?? 'none', outcome).inc();
    }
    for (const [profile, count] of storedByProfile) deps.metrics.stored.labels(profile).inc(count);
    if (rejected.length > 0) {
      deps.logger.info('dead-lettered malformed messages', {
        count: rejected.length,
        first: {
          partition: rejected[0]?.partition,
          offset: rejected[0]?.offset,
          reason: rejected[0]?.reason,
        },
      });
    }
  }
}

/**
 * Per topic and partition, the last offset whose malformed messages are on the dead-letter topic. A chunk
 * is replayed from the last checkpoint when it is abandoned (a failed write, a rebalance); its malformed
 * messages were dead-lettered the first time, and sending them again gave one flood 12 491 dead letters
 * for 10 000. Offsets only grow within a partition, so one number each says what was sent. Held in
 * memory: a replay in another process (after a restart, or a partition moved) can still send a copy.
 */
export class DeadLetterWatermarks {
  private readonly through = new Map<string, number>();

  /** The rejected messages not dead-lettered before. */
  notYetSent(topic: string, rejected: readonly RejectedMessage[]): RejectedMessage[] {
    return rejected.filter((r) => Number(r.offset) > (this.through.get(`${topic}:${r.partition}`) ?? -1));
  }

  /** The messages are on the dead-letter topic, acknowledged. */
  sent(topic: string, rejected: readonly RejectedMessage[]): void {
    for (const r of rejected) {
      const key = `${topic}:${r.partition}`;
      this.through.set(key, Math.max(this.through.get(key) ?? -1, Number(r.offset)));
    }
  }
}
