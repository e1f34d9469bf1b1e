import { describe, expect, it } from 'vitest';
import { groupCoordinator } from '../../stack/kafka-roles.js';
import { KAFKA_NODES } from '../../stack/topology.js';
import { metricValue, scrape } from '../support/service.js';
import { eventually, startService as startStackService, stopService } from '../support/stack.js';
import { reconcileWhenDrained } from './support/reconcile.js';
import { committedTotal, openScenario, report, sleep } from './support/scenario.js';

const JOINS = 'sensorwatch_detector_group_joins_total';

describe("fault: the broker coordinating the detectors' consumer group killed", () => {
  it('when the group coordinator is SIGKILLed under load, then the detector carries on without rejoining, commits through the new coordinator, and stores every acknowledged reading once', async () => {
    const scenario = await openScenario('coordinator-kill');
    let victim: (typeof KAFKA_NODES)[number] | undefined;
    let restarted = false;
    try {
      // Checkpoints, which commit the offsets, every 3 s (not 30): commits are due while the node is down.
      const detector = await scenario.startDetector('a', { DETECTOR_CHECKPOINT_INTERVAL_MS: '3000' });
      await scenario.load.start();
      // Long enough for the group to form and commit: the coordinator then holds its offsets.
      await eventually(
        'the detector to commit offsets',
        async () =>
          (await committedTotal(scenario.admin, scenario.groupId, scenario.topics.readings)) > 0 || undefined,
        60_000,
      );
      const coordinatorId = await groupCoordinator(scenario.admin, scenario.groupId);
      victim = KAFKA_NODES.find((node) => node.id === coordinatorId);
      if (!victim) throw new Error(`no stack node is the group's coordinator (node id ${coordinatorId})`);
      const joinsBefore = metricValue(await scrape(detector), JOINS);
      const committedBefore = await committedTotal(
        scenario.admin,
        scenario.groupId,
        scenario.topics.readings,
      );

      expect(await stopService(victim.name, 'SIGKILL')).toBe('stopped');
      // Another broker leads the group's offsets partition within seconds and becomes its coordinator.
      // Unpatched, the consumer crashed (its retries shorter than the failover, heartbeats and commits sent
      // to the dead node, NOT_COORDINATOR taken for a rebalance), restarted and rejoined: a rebalance, and
      // every partition's state restored from its checkpoint.
      await sleep(25_000);
      const joinsWhileDown = metricValue(await scrape(detector), JOINS);
      const committedWhileDown = await committedTotal(
        scenario.admin,
        scenario.groupId,
        scenario.topics.readings,
      );
      const newCoordinator = await groupCoordinator(scenario.admin, scenario.groupId);

      await startStackService(victim.name);
      restarted = true;
      await sleep(5_000);
      await scenario.load.stop();
      const result = await reconcileWhenDrained(scenario.cassandra, scenario.load.acked);
      report('coordinator-kill', {
        ...result,
        victim: victim.name,
        newCoordinatorNodeId: newCoordinator,
        joinsBefore,
        joinsWhileDown,
        committedBefore,
        committedWhileDown,
        longestProducerStallMs: scenario.load.longestStallMs,
      });
      expect(newCoordinator).not.toBe(coordinatorId);
      expect(joinsWhileDown).toBe(joinsBefore);
      expect(committedWhileDown).toBeGreaterThan(committedBefore);
      expect(result.acked).toBeGreaterThan(5_000);
      expect(result.missing).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.rows).toBe(result.acked);
    } finally {
      if (victim && !restarted) await startStackService(victim.name).catch(() => {});
      await scenario.dispose();
    }
  });
});
