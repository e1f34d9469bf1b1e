import { NonFiniteNumberError } from '../common/numbers/finite.js';
import { profileOf } from '../common/reading/profiles.js';
import { DEFAULT_LIMITS, type ValidationLimits, validateReading } from '../common/reading/reading.js';
import type { KafkaHeaders } from '../common/telemetry/kafka-context.js';
import type { Observation } from '../scoring/model.js';
import { explain, type RejectedMessage, type ScoredReading } from '../scoring/scored-reading.js';
import type { Verdict } from '../scoring/scoring-core.js';

/** What processing needs of the scoring core. */
export interface Scorer {
  score(observation: Observation): Verdict;
  modelVersionOf(profile: string): string | undefined;
}

export interface RawMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: string;
  /** Kafka headers: the W3C trace context of the producer's send span, when tracing is on. */
  readonly headers?: KafkaHeaders;
}

export interface ProcessedMessages {
  readonly scored: ScoredReading[];
  readonly rejected: RejectedMessage[];
  /** Readings left out because the station's restored state holds them already. */
  readonly skipped: number;
}

/**
 * Validates and scores messages in order (a station's statistics depend on the order of its readings).
 * Pure apart from the scorer's state: no I/O, so the whole decision is testable in memory.
 */
export function processMessages(
  messages: readonly RawMessage[],
  scorer: Scorer,
  detectorVersion: string,
  now: number,
  limits: ValidationLimits = DEFAULT_LIMITS,
  admit?: (message: RawMessage, stationId: string) => boolean,
): ProcessedMessages {
  const scored: ScoredReading[] = [];
  const rejected: RejectedMessage[] = [];
  let skipped = 0;
  for (const message of messages) {
    const validation = validateReading(message.value, now, limits);
    if (!validation.ok) {
      rejected.push({
        key: message.key,
        value: message.value,
        partition: message.partition,
        offset: message.offset,
        code: validation.code,
        reason: validation.reason,
      });
      continue;
    }
    const { reading } = validation;
    // In the station's restored state already, and so stored already: judging it again would count it twice.
    // (Admitting a reading may also bring a dormant station's state back into the models.)
    if (admit && !admit(message, reading.stationId)) {
      skipped += 1;
      continue;
    }
    let verdict: Verdict;
    try {
      verdict = scorer.score({
        stationId: reading.stationId,
        profile: reading.profile,
        profileSpec: profileOf(reading.profile),
        ts: Date.parse(reading.ts),
        values: reading.values,
      });
    } catch (error) {
      if (!(error instanceof NonFiniteNumberError)) throw error;
      rejected.push({
        key: message.key,
        value: message.value,
        partition: message.partition,
        offset: message.offset,
        code: 'not_scorable',
        reason: error.message,
      });
      continue;
    }
    scored.push({
      reading,
      verdict,
      explanation: explain(verdict),
      detectorVersion,
      modelVersion: scorer.modelVersionOf(reading.profile),
      source: { partition: message.partition, offset: message.offset },
    });
  }
  return { scored, rejected, skipped };
}
