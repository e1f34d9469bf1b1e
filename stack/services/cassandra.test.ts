import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCassandraYaml } from './cassandra.js';
import { CASSANDRA_MEMTABLE_NAMES } from './cassandra-gc.js';

describe('renderCassandraYaml', () => {
  it('runs the trie memtable off the heap unless told otherwise', () => {
    const yaml = parse(renderCassandraYaml('/data/cassandra'));
    expect(yaml.memtable.configurations.default).toEqual({ inherits: 'trie' });
    expect(yaml.memtable.configurations.trie).toEqual({ class_name: 'TrieMemtable' });
    expect(yaml.memtable_allocation_type).toBe('offheap_objects');
    expect(yaml.data_file_directories).toEqual(['/data/cassandra/data']);
  });

  it('keeps Cassandra’s own skip list on the heap when asked, and the trie on the heap', () => {
    const skipList = parse(renderCassandraYaml('/data/cassandra', 'skiplist'));
    expect(skipList.memtable).toBeUndefined();
    expect(skipList.memtable_allocation_type).toBeUndefined();
    const trie = parse(renderCassandraYaml('/data/cassandra', 'trie'));
    expect(trie.memtable.configurations.default).toEqual({ inherits: 'trie' });
    expect(trie.memtable_allocation_type).toBeUndefined();
  });

  it('renders valid YAML for every memtable setting', () => {
    for (const memtable of CASSANDRA_MEMTABLE_NAMES) {
      expect(parse(renderCassandraYaml('/d', memtable)).cluster_name).toBe('sensorwatch');
    }
  });
});
