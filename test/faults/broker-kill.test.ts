import { describe, expect, it } from 'vitest';
import { activeController } from '../../stack/kafka-roles.js';
import { KAFKA_NODES } from '../../stack/topology.js';
import { metricValue, scrape } from '../support/service.js';
import { eventually, startService as startStackService, stopService } from '../support/stack.js';
import { reconcileWhenDrained } from './support/reconcile.js';
import { diagnoseMissing, openScenario, report, sleep } from './support/scenario.js';

const JOINS = 'sensorwatch_detector_group_joins_total';

describe('fault: a Kafka broker killed mid-stream', () => {
  it('when a broker is SIGKILLed under load and restarted later, then the detector does not rejoin its group and every acknowledged reading is stored exactly once', async () => {
    const scenario = await openScenario('broker-kill');
    const victim = KAFKA_NODES[1];
    if (!victim) throw new Error('expected three Kafka nodes');
    let restartedAt = 0;
    let isrRestoredMs = Number.NaN;
    try {
      const detector = await scenario.startDetector('a');
      await scenario.load.start();
      await sleep(10_000);
      const stallBefore = scenario.load.longestStallMs;
      const joinsBefore = metricValue(await scrape(detector), JOINS);

      // The stall is seconds longer when the victim is also the KRaft quorum's active controller (a new
      // one is elected first): say which it was, so a long stall can be read.
      const controllerBefore = await activeController();
      expect(await stopService(victim.name, 'SIGKILL')).toBe('stopped');
      // Two brokers stay in every ISR (min.insync.replicas 2): producers and the detector carry on.
      await sleep(20_000);
      const stallWhileDown = scenario.load.longestStallMs;

      await startStackService(victim.name);
      restartedAt = Date.now();
      await eventually(
        `${victim.name} to rejoin every in-sync replica set`,
        async () => {
          const metadata = await scenario.admin.fetchTopicMetadata({ topics: [scenario.topics.readings] });
          const partitions = metadata.topics[0]?.partitions ?? [];
          return partitions.every((p) => p.isr.length === 3) ? true : undefined;
        },
        120_000,
      );
      isrRestoredMs = Date.now() - restartedAt;
      await sleep(5_000);
      // A broker's death and return is no reason to rebalance: the consumer's retries outlast the failover.
      const joinsAfter = metricValue(await scrape(detector), JOINS);
      await scenario.load.stop();

      const result = await reconcileWhenDrained(scenario.cassandra, scenario.load.acked);
      report('broker-kill', {
        ...result,
        ratePerSecond: scenario.load.ratePerSecond,
        sendFailures: scenario.load.sendFailures,
        longestProducerStallMsBefore: stallBefore,
        longestProducerStallMsWhileDown: stallWhileDown,
        victim: victim.name,
        victimWasActiveController: controllerBefore === victim.name,
        isrRestoredSecondsAfterRestart: isrRestoredMs / 1000,
        joinsBefore,
        joinsAfter,
      });
      if (result.missing > 0)
        report('broker-kill-missing', {
          missingKeys: result.missingKeys,
          ...(await diagnoseMissing(scenario, result.missingKeys)),
        });
      expect(result.acked).toBeGreaterThan(10_000);
      expect(result.missing).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.rows).toBe(result.acked);
      expect(joinsAfter).toBe(joinsBefore);
    } finally {
      if (restartedAt === 0) await startStackService(victim.name).catch(() => {});
      await scenario.dispose();
    }
  });
});
