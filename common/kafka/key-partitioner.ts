import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';
import { Partitioners } from './kafkajs.js';

/** Keys whose hash is remembered; a fleet's station ids fit many times over. Past it, it starts again. */
const REMEMBERED_KEYS = 100_000;

/**
 * Kafka's default partitioner for keyed messages (the Java client's, and kafkajs's DefaultPartitioner):
 * murmur2 of the key's UTF-8 bytes, made positive, modulo the topic's partition count, so a station's
 * readings land on the partition every Kafka client would pick. kafkajs computes murmur2 with a 64-bit
 * Long object per step and filters the partition list for every message, which cost the detector 4 % of
 * its CPU; here the hash is computed once per key, in 32-bit integers, and remembered. Messages with an
 * explicit partition, or without a string key, go to kafkajs's own partitioner.
 */
export const KeyHashPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  const hashes = new Map<string, number>();
  return (args: PartitionerArgs) => {
    const { key, partition } = args.message;
    if (typeof key !== 'string' || (partition !== undefined && partition !== null)) return fallback(args);
    let hash = hashes.get(key);
    if (hash === undefined) {
      if (hashes.size >= REMEMBERED_KEYS) hashes.clear();
      hash = murmur2(Buffer.from(key)) & 0x7fffffff;
      hashes.set(key, hash);
    }
    return hash % args.partitionMetadata.length;
  };
};

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), on signed 32-bit integers as Java's. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The last one to three bytes, as Java's switch falls through.
  const rest = length & 3;
  if (rest === 3) h ^= (data[whole + 2] as number) << 16;
  if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] as number), m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
