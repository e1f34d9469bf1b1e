import { type Admin, ConfigResourceTypes } from './kafkajs.js';
import type { TopicDefinition } from './topics.js';

export interface TopicChange {
  readonly topic: string;
  readonly action: 'created' | 'partitions-added' | 'configs-updated' | 'unchanged';
}

/**
 * Makes the cluster's topics match their definitions, whatever state they are in: creates missing ones,
 * adds partitions to ones that have fewer (Kafka cannot remove partitions) and rewrites configs that
 * drifted. Safe to run at every start.
 */
export async function ensureTopics(
  admin: Admin,
  definitions: readonly TopicDefinition[],
): Promise<TopicChange[]> {
  const existing = new Set(await admin.listTopics());
  const missing = definitions.filter((d) => !existing.has(d.name));
  let created: readonly TopicDefinition[] = [];
  if (missing.length > 0) {
    const createdAll = await admin.createTopics({
      // kafkajs' own waitForLeaders fails on UNKNOWN_TOPIC_OR_PARTITION from a broker that has not caught
      // up yet; awaitTopicsReady below retries through it.
      waitForLeaders: false,
      topics: missing.map((d) => ({
        topic: d.name,
        numPartitions: d.partitions,
        replicationFactor: d.replicationFactor,
        configEntries: Object.entries(d.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    await awaitTopicsReady(
      admin,
      missing.map((d) => d.name),
    );
    // false: one or more existed after all (the broker that listed topics had not yet learnt of a topic
    // created a moment before). Then each is checked below like one that existed; one this call did
    // create has its configs already, and reads as unchanged.
    if (createdAll) created = missing;
  }

  const changes: TopicChange[] = created.map((d) => ({ topic: d.name, action: 'created' }));
  const present = definitions.filter((d) => !created.includes(d));
  if (present.length === 0) return changes;

  const metadata = await admin.fetchTopicMetadata({ topics: present.map((d) => d.name) });
  const partitionCounts = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  const grow = present.filter((d) => (partitionCounts.get(d.name) ?? 0) < d.partitions);
  if (grow.length > 0) {
    await admin.createPartitions({
      topicPartitions: grow.map((d) => ({ topic: d.name, count: d.partitions })),
    });
  }

  const drifted = await driftedConfigs(admin, present);
  if (drifted.length > 0) {
    // alterConfigs replaces the topic's whole set of overrides, so send every override we own.
    await admin.alterConfigs({
      validateOnly: false,
      resources: drifted.map((d) => ({
        type: TOPIC_RESOURCE,
        name: d.name,
        configEntries: Object.entries(d.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    // The brokers apply a change a moment after the controller accepts it: a record appended before
    // then still gets the old settings, so return only once they hold.
    await awaitConfigsApplied(admin, drifted);
  }

  for (const d of present) {
    const action = grow.includes(d)
      ? 'partitions-added'
      : drifted.includes(d)
        ? 'configs-updated'
        : 'unchanged';
    changes.push({ topic: d.name, action });
  }
  return changes;
}

const TOPIC_RESOURCE = ConfigResourceTypes.TOPIC;

/** The definitions whose topic has a config that differs from the definition's, as a broker describes it. */
async function driftedConfigs(
  admin: Admin,
  definitions: readonly TopicDefinition[],
): Promise<TopicDefinition[]> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: definitions.map((d) => ({
      type: TOPIC_RESOURCE,
      name: d.name,
      configNames: Object.keys(d.configs),
    })),
  });
  return definitions.filter((d) => {
    const current = described.resources.find((r) => r.resourceName === d.name)?.configEntries ?? [];
    return Object.entries(d.configs).some(
      ([name, value]) => current.find((entry) => entry.configName === name)?.configValue !== value,
    );
  });
}

/**
 * Waits until the brokers describe the definitions' configs, ten times in a row. Each describe is answered
 * by a broker kafkajs picks at random, and a broker applies a change 0.2-0.4 s after the controller
 * accepts it (measured here): ten answers a tenth of a second apart have asked every broker, almost surely,
 * after the last of them had it.
 */
async function awaitConfigsApplied(
  admin: Admin,
  definitions: readonly TopicDefinition[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let inARow = 0;
  while (inARow < CONFIG_ANSWERS_IN_A_ROW) {
    const drifted = await driftedConfigs(admin, definitions);
    inARow = drifted.length === 0 ? inARow + 1 : 0;
    if (Date.now() > deadline)
      throw new Error(
        `Configs of ${drifted.map((d) => d.name).join(', ') || 'the topics'} not applied on every broker after ${timeoutMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const CONFIG_ANSWERS_IN_A_ROW = 10;

/**
 * Waits until every partition of `topics` has a leader and all its replicas in sync, as seen by the
 * broker that answers. Right after creation a broker may not know the topic yet and answers
 * UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry.
 */
export async function awaitTopicsReady(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = '';
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const notReady = metadata.topics.flatMap((t) =>
        t.partitions
          .filter((p) => p.leader < 0 || p.isr.length < p.replicas.length)
          .map((p) => `${t.name}-${p.partitionId}`),
      );
      if (notReady.length === 0) return;
      reason = `partitions without a leader or full ISR: ${notReady.join(', ')}`;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Topics ${topics.join(', ')} not ready after ${timeoutMs} ms (${reason})`);
}
