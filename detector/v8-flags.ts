import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the detector sets on itself, wherever it is launched (NODE_OPTIONS refuses these).
 *
 * No allocation-site pretenuring. A chunk of readings (up to 500, some 24 KB allocated each) lives from
 * its fetch until its Cassandra write and its scored messages are acknowledged, across several young
 * collections, so most of what it allocates survives them. V8 then pretenures those allocation sites:
 * every later verdict, validated reading and row statement is allocated in the old space directly, where
 * only a full collection frees it. At 6 250 readings/s that was some 20 MB a second of old-space garbage
 * and a full collection every second. Left in the young space, each is copied once or twice and most of
 * it dies there (docs/benchmarks.md, "Pretenuring off").
 *
 * Imported first by the detector's entry point, before its modules allocate: V8 reads the flag whenever
 * it weighs an allocation site, and Node leaves its flags writable after start for `setFlagsFromString`.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
