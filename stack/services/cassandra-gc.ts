/**
 * Garbage-collector settings Cassandra can run with on Java 17, by name (SENSORWATCH_CASSANDRA_GC), so
 * `npm run bench:cassandra-gc` can compare them side by side on the same stack. Its young-generation
 * pauses are what drive the pipeline's p99 write latency (docs/benchmarks.md).
 */
export const CASSANDRA_GC_SETTINGS = {
  /** G1 with its defaults (a 200 ms pause goal): what Cassandra ran with until measured otherwise. */
  g1: ['-XX:+UseG1GC'],
  /** G1 told to aim at 50 ms pauses: smaller collections, more of them. */
  'g1-pause-50': ['-XX:+UseG1GC', '-XX:MaxGCPauseMillis=50'],
  /**
   * G1 with a young generation of at least half the heap: Cassandra's garbage is short-lived (memtable
   * and request buffers), so fewer of its objects live long enough to be copied, or promoted at all.
   */
  'g1-young': [
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=100',
    '-XX:+UnlockExperimentalVMOptions',
    '-XX:G1NewSizePercent=50',
  ],
  /** ZGC (Java 17's, not generational): pauses of a millisecond or less, for more CPU and memory. */
  zgc: ['-XX:+UseZGC'],
} as const satisfies Record<string, readonly string[]>;

export type CassandraGc = keyof typeof CASSANDRA_GC_SETTINGS;
export const CASSANDRA_GC_NAMES = Object.keys(CASSANDRA_GC_SETTINGS) as [CassandraGc, ...CassandraGc[]];

/** cassandra.yaml's memtable configurations, with the trie (Cassandra 5.0's `TrieMemtable`) every table's default. */
const TRIE_BY_DEFAULT = `memtable:
  configurations:
    skiplist:
      class_name: SkipListMemtable
    trie:
      class_name: TrieMemtable
    default:
      inherits: trie
`;

/** Memtable cells allocated off the heap, where the collector never copies them. */
const CELLS_OFF_HEAP = `memtable_allocation_type: offheap_objects
`;

/**
 * Memtable settings of the Cassandra node, by name (SENSORWATCH_CASSANDRA_MEMTABLE): the cassandra.yaml
 * lines each adds. Compared side by side with the collectors by `npm run bench:cassandra-gc`.
 */
export const CASSANDRA_MEMTABLE_SETTINGS = {
  /** Cassandra 5.0's default: a concurrent skip list on the heap (as the stack ran until 2026-12-02). */
  skiplist: '',
  /** The skip list with its cells off the heap. */
  'skiplist-offheap': CELLS_OFF_HEAP,
  /** 5.0's trie memtable (CEP-19): fewer, larger objects per row than a skip list's nodes. */
  trie: TRIE_BY_DEFAULT,
  /**
   * The trie memtable with its cells off the heap: the stack's setting. Against the skip list on the heap
   * (`bench:cassandra-gc`, 4 000 rows/s, four runs each): about 9 % less CPU per row, write p99 30-36 ms
   * against 40-69, the longest write 60-86 ms against 140-227; 90 MB more resident.
   */
  'trie-offheap': TRIE_BY_DEFAULT + CELLS_OFF_HEAP,
} as const satisfies Record<string, string>;

export type CassandraMemtable = keyof typeof CASSANDRA_MEMTABLE_SETTINGS;
export const CASSANDRA_MEMTABLE_NAMES = Object.keys(CASSANDRA_MEMTABLE_SETTINGS) as [
  CassandraMemtable,
  ...CassandraMemtable[],
];

/** The memtable setting the stack runs unless SENSORWATCH_CASSANDRA_MEMTABLE says otherwise. */
export const DEFAULT_CASSANDRA_MEMTABLE: CassandraMemtable = 'trie-offheap';
