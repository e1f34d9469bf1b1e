import { describe, expect, it } from 'vitest';
import { metricValue, scrape } from '../support/service.js';
import { eventually } from '../support/stack.js';
import { reconcileWhenDrained } from './support/reconcile.js';
import { openScenario, report, sleep } from './support/scenario.js';

describe('fault: a detector killed mid-batch, and detectors joining and leaving the group', () => {
  it('when a detector is SIGKILLed mid-stream and restarted, and a second one joins and leaves, then every acknowledged reading is stored exactly once', async () => {
    const scenario = await openScenario('detector-kill');
    try {
      const first = await scenario.startDetector('a');
      await scenario.load.start();
      await sleep(8_000);

      // A second detector joins: the group rebalances and the partitions are shared.
      const second = await scenario.startDetector('b');
      const storedBySecond = await eventually(
        'the second detector to be given partitions and store readings',
        async () => {
          const stored = metricValue(await scrape(second), 'sensorwatch_readings_stored_total');
          return stored > 0 ? stored : undefined;
        },
        60_000,
      );
      await sleep(5_000);

      // The first dies without a word, whatever chunk it had in hand: uncommitted, so it is replayed.
      first.process.kill('SIGKILL');
      await sleep(15_000);
      const restarted = await scenario.startDetector('a2');
      await sleep(8_000);

      // The second leaves cleanly: it commits what it stored and hands its partitions over.
      expect(await second.stop('SIGTERM')).toBe(0);
      await sleep(8_000);
      await scenario.load.stop();

      const result = await reconcileWhenDrained(scenario.cassandra, scenario.load.acked);
      const storedByRestarted = metricValue(await scrape(restarted), 'sensorwatch_readings_stored_total');
      report('detector-kill', {
        ...result,
        ratePerSecond: scenario.load.ratePerSecond,
        storedBySecondWhileSharing: storedBySecond,
        storedByRestarted,
      });
      expect(storedBySecond).toBeGreaterThan(0);
      expect(storedByRestarted).toBeGreaterThan(0);
      expect(result.acked).toBeGreaterThan(10_000);
      expect(result.missing).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.rows).toBe(result.acked);
    } finally {
      await scenario.dispose();
    }
  });
});
