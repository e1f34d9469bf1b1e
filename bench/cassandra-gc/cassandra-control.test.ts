import { describe, expect, it } from 'vitest';
import { safepointPausesMs } from './cassandra-control.js';

describe('safepointPausesMs', () => {
  it('reads every safepoint’s total time, whatever caused it, from a JDK 17 safepoint log', () => {
    const log = [
      '[7.988s][info][safepoint] Safepoint "FindDeadlocks", Time since last: 240036304 ns, Reaching safepoint: 147900 ns, Cleanup: 168040 ns, At safepoint: 1421544 ns, Total: 1737484 ns',
      '[8.577s][info][safepoint] Safepoint "G1CollectForAllocation", Time since last: 585619333 ns, Reaching safepoint: 9634 ns, Cleanup: 157705 ns, At safepoint: 81815651 ns, Total: 81982990 ns',
      '[9.001s][info][gc] a line of another kind',
      '',
    ].join('\n');
    expect(safepointPausesMs(log)).toEqual([1.737484, 81.98299]);
    expect(safepointPausesMs('')).toEqual([]);
  });
});
