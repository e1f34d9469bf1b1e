import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import type { Admin, KafkaClient } from '../../../common/kafka/kafkajs.js';
import { TOPICS } from '../../../common/kafka/topics.js';
import { REPO_ROOT } from '../../../stack/config.js';
import { consumeAll, createTestTopic, deleteTestTopic } from '../../support/kafka.js';
import { type RunningService, startService } from '../../support/service.js';
import { cassandraClient, kafkaClient, uniqueName } from '../../support/stack.js';
import { rowKey, SteadyLoad } from './steady-load.js';

/**
 * One fault scenario's world: its own topics, consumer group, registry and stations, a steady labelled
 * load on its readings topic, and detectors it starts (real processes, all models on).
 */
export interface Scenario {
  readonly name: string;
  readonly kafka: KafkaClient;
  readonly admin: Admin;
  readonly cassandra: Client;
  readonly topics: { readonly readings: string; readonly scored: string; readonly deadLetter: string };
  readonly groupId: string;
  readonly load: SteadyLoad;
  /** A detector of the scenario's group; `env` adds to or overrides its configuration. */
  startDetector(label: string, env?: Record<string, string>): Promise<RunningService>;
  dispose(): Promise<void>;
}

export async function openScenario(
  name: string,
  { stationsPerProfile = 20, intervalMs = 200 } = {},
): Promise<Scenario> {
  const id = uniqueName(name);
  const kafka = kafkaClient(id);
  const admin = kafka.admin();
  await admin.connect();
  const cassandra = cassandraClient('sensorwatch');
  await cassandra.connect();
  const [readings, scored, deadLetter] = await Promise.all([
    createTestTopic(kafka, 6),
    createTestTopic(kafka, 6, TOPICS.scored),
    createTestTopic(kafka, 3, TOPICS.deadLetter),
  ]);
  const topics = { readings, scored, deadLetter } as const;
  const groupId = `faults.${id}`;
  const detectors: RunningService[] = [];
  const load = new SteadyLoad(kafka, { topic: readings, stationsPerProfile, intervalMs, replicaId: id });
  return {
    name,
    kafka,
    admin,
    cassandra,
    topics,
    groupId,
    load,
    async startDetector(label, env = {}) {
      const detector = await startService(`${id}-${label}`, 'detector/main.ts', {
        LOG_LEVEL: 'warn',
        READINGS_TOPIC: topics.readings,
        SCORED_TOPIC: topics.scored,
        DEAD_LETTER_TOPIC: topics.deadLetter,
        DETECTOR_GROUP_ID: groupId,
        MODEL_REGISTRY: id,
        ...env,
      });
      detectors.push(detector);
      return detector;
    },
    async dispose() {
      await load.stop().catch(() => {});
      await Promise.all(detectors.map((d) => d.stop()));
      await Promise.all(Object.values(topics).map((t) => deleteTestTopic(kafka, t).catch(() => {})));
      await admin.disconnect();
      await cassandra.shutdown();
    },
  };
}

/** Messages the group has not committed yet, over every partition of the topic. */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedBy = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  let lag = 0;
  for (const end of ends) {
    const done = committedBy.get(end.partition) ?? -1;
    lag += Number(end.high) - (done < 0 ? Number(end.low) : done);
  }
  return lag;
}

/** Committed offsets of the group, summed: unchanged while nothing is committed. */
export async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/**
 * When readings are missing: are they in the readings topic at all (lost by Kafka or by the producer) or
 * there but not stored (lost by the detector), and how far behind is the group.
 */
export async function diagnoseMissing(
  scenario: Scenario,
  missingKeys: readonly string[],
): Promise<{ missingInLog: number; missingChecked: number; groupLag: number; logRecords: number }> {
  // At least one record, then everything until the log has been quiet for 5 s: the whole log.
  const records = await consumeAll(scenario.kafka, scenario.topics.readings, 1, {
    timeoutMs: 120_000,
    idleMs: 5_000,
  });
  const inLog = new Set<string>();
  for (const record of records) {
    try {
      const r = JSON.parse(record.value) as { stationId: string; ts: string; seq: number };
      inLog.add(rowKey(r.stationId, Date.parse(r.ts), r.seq));
    } catch {
      // not a reading
    }
  }
  return {
    missingInLog: missingKeys.filter((k) => inLog.has(k)).length,
    missingChecked: missingKeys.length,
    groupLag: await groupLag(scenario.admin, scenario.groupId, scenario.topics.readings),
    logRecords: records.length,
  };
}

const REPORT = path.join(REPO_ROOT, 'bench', 'out', 'faults.json');

/** Prints a scenario's figures and keeps them in bench/out/faults.json, one entry per scenario. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[faults] ${scenario}: ${JSON.stringify(figures)}`);
  mkdirSync(path.dirname(REPORT), { recursive: true });
  const all = existsSync(REPORT) ? (JSON.parse(readFileSync(REPORT, 'utf8')) as Record<string, unknown>) : {};
  all[scenario] = { ...figures, measuredAt: new Date().toISOString() };
  writeFileSync(REPORT, `${JSON.stringify(all, null, 2)}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
