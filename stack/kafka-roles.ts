import type { Admin } from '../common/kafka/kafkajs.js';
import { HOST, KAFKA_NODES } from './topology.js';

/**
 * The node that is the KRaft quorum's active controller now, read from each node's JMX exporter
 * (ActiveControllerCount is 1 on exactly one node); undefined while there is none.
 */
export async function activeController(): Promise<string | undefined> {
  for (const node of KAFKA_NODES) {
    const text = await fetch(`http://${HOST}:${node.jmxExporterPort}/metrics`, {
      signal: AbortSignal.timeout(3_000),
    })
      .then((response) => response.text())
      .catch(() => '');
    if (/^kafka_controller_active_controller_count 1(\.0)?$/m.test(text)) return node.name;
  }
  return undefined;
}

/**
 * The node id of the broker that coordinates consumer group `groupId` now: the leader of the partition of
 * `__consumer_offsets` the group's id hashes to (Java's String.hashCode, made non-negative, modulo the
 * partition count: Kafka's GroupMetadataManager.partitionFor). Undefined before the topic exists.
 */
export async function groupCoordinator(admin: Admin, groupId: string): Promise<number | undefined> {
  const metadata = await admin.fetchTopicMetadata({ topics: [CONSUMER_OFFSETS] });
  const partitions = metadata.topics[0]?.partitions ?? [];
  if (partitions.length === 0) return undefined;
  const partition = (javaStringHash(groupId) & 0x7fffffff) % partitions.length;
  return partitions.find((p) => p.partitionId === partition)?.leader;
}

const CONSUMER_OFFSETS = '__consumer_offsets';

/** Java's String.hashCode: s[0]·31^(n−1) + … + s[n−1] over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}
