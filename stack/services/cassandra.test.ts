import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCassandraYaml } from './cassandra.js';
import { CASSANDRA_MEMTABLE_NAMES } from './cassandra-gc.js';

describe('renderCassandraYaml', () => {
  it('keeps Cassandra’s skip-list memtable unless told otherwise', () => {
    const yaml = parse(renderCassandraYaml('/data/cassandra'));
    expect(yaml.memtable).toBeUndefined();
    expect(yaml.memtable_allocation_type).toBeUndefined();
    expect(yaml.data_file_directories).toEqual(['/data/cassandra/data']);
  });

  it('makes the trie memtable every table’s default, with its cells off the heap when asked', () => {
    const trie = parse(renderCassandraYaml('/data/cassandra', 'trie'));
    expect(trie.memtable.configurations.default).toEqual({ inherits: 'trie' });
    expect(trie.memtable.configurations.trie).toEqual({ class_name: 'TrieMemtable' });
    expect(trie.memtable_allocation_type).toBeUndefined();
    const offHeap = parse(renderCassandraYaml('/data/cassandra', 'trie-offheap'));
    expect(offHeap.memtable.configurations.default).toEqual({ inherits: 'trie' });
    expect(offHeap.memtable_allocation_type).toBe('offheap_objects');
  });

  it('renders valid YAML for every memtable setting', () => {
    for (const memtable of CASSANDRA_MEMTABLE_NAMES) {
      expect(parse(renderCassandraYaml('/d', memtable)).cluster_name).toBe('sensorwatch');
    }
  });
});
