import type { PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { Partitioners } from './kafkajs.js';
import { KeyHashPartitioner, murmur2 } from './key-partitioner.js';

function argsFor(key: string, partitions: number): PartitionerArgs {
  return {
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: partitionId % 3,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    })),
    message: { key, value: null },
  };
}

describe('key hash partitioner', () => {
  it('when given the Java client’s test vectors, then murmur2 gives the Java client’s hashes', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('when keys of every length and alphabet are partitioned, then each lands where kafkajs’s DefaultPartitioner puts it', () => {
    const random = seededRandom(18);
    const alphabet = [...'abcxyz0189-_.:/ éü中文🙂'];
    const ours = KeyHashPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    let compared = 0;
    for (let i = 0; i < 3_000; i++) {
      const length = Math.floor(random.next() * 40);
      let key = '';
      for (let c = 0; c < length; c++) key += alphabet[Math.floor(random.next() * alphabet.length)];
      for (const partitions of [1, 3, 12, 50]) {
        // Twice: the second answer comes from the remembered hash.
        expect(ours(argsFor(key, partitions))).toBe(theirs(argsFor(key, partitions)));
        expect(ours(argsFor(key, partitions))).toBe(theirs(argsFor(key, partitions)));
        compared += 1;
      }
    }
    expect(compared).toBe(12_000);
  });

  it('when a message names its partition, then it goes there', () => {
    const args = argsFor('station-1', 12);
    expect(KeyHashPartitioner()({ ...args, message: { ...args.message, partition: 7 } })).toBe(7);
  });
});
