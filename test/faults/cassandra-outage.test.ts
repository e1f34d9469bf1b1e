import { describe, expect, it } from 'vitest';
import { metricValue, scrape } from '../support/service.js';
import {
  cassandraClient,
  eventually,
  startService as startStackService,
  stopService,
} from '../support/stack.js';
import { reconcileWhenDrained } from './support/reconcile.js';
import { committedTotal, groupLag, openScenario, report, sleep } from './support/scenario.js';

const OUTAGE_MS = 60_000;

describe('fault: Cassandra away for a minute', () => {
  it('when Cassandra is stopped for 60 s, then the detector stops committing, reports itself unready and the lag grows; when it returns, the detector catches up and every acknowledged reading is stored exactly once', async () => {
    const scenario = await openScenario('cassandra-outage');
    let cassandraDown = false;
    try {
      const detector = await scenario.startDetector('a');
      const readyz = async () => (await fetch(`${detector.metricsUrl}/readyz`)).status;
      await scenario.load.start();
      await sleep(8_000);

      expect(await stopService('cassandra')).toBe('stopped');
      cassandraDown = true;
      const stoppedAt = Date.now();
      await eventually('the detector to report itself unready', async () =>
        (await readyz()) === 503 ? true : undefined,
      );
      // What was in flight when Cassandra went may still settle; from here on nothing may be committed.
      await sleep(3_000);
      const committedDuring = await committedTotal(
        scenario.admin,
        scenario.groupId,
        scenario.topics.readings,
      );
      const lagDuring = await groupLag(scenario.admin, scenario.groupId, scenario.topics.readings);
      await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
      const committedAtEnd = await committedTotal(scenario.admin, scenario.groupId, scenario.topics.readings);
      const lagAtEnd = await groupLag(scenario.admin, scenario.groupId, scenario.topics.readings);
      const stillUnready = await readyz();

      await startStackService('cassandra');
      cassandraDown = false;
      const returnedAt = Date.now();
      await eventually(
        'the detector to be ready again',
        async () => ((await readyz()) === 200 ? true : undefined),
        60_000,
      );
      const readyAfterMs = Date.now() - returnedAt;
      // Caught up: what the detector has handled, by its own lag. The committed offsets follow with each
      // partition's next checkpoint (DETECTOR_CHECKPOINT_INTERVAL_MS), so they trail by up to that much.
      await eventually(
        'the detector to catch up',
        async () =>
          metricValue(await scrape(detector), 'sensorwatch_consumer_lag_messages') <
          scenario.load.ratePerSecond * 2
            ? true
            : undefined,
        120_000,
      );
      const caughtUpAfterMs = Date.now() - returnedAt;
      const committedAfter = await eventually(
        'offsets to be committed again',
        async () => {
          const committed = await committedTotal(scenario.admin, scenario.groupId, scenario.topics.readings);
          return committed > committedAtEnd ? committed : undefined;
        },
        90_000,
      );
      await scenario.load.stop();

      // The scenario's own client was connected before the outage; a fresh one reconciles.
      const fresh = cassandraClient('sensorwatch');
      await fresh.connect();
      const result = await reconcileWhenDrained(fresh, scenario.load.acked).finally(() => fresh.shutdown());
      report('cassandra-outage', {
        ...result,
        ratePerSecond: scenario.load.ratePerSecond,
        outageSeconds: OUTAGE_MS / 1000,
        lagWhenStopped: lagDuring,
        lagAfterOutage: lagAtEnd,
        readySecondsAfterReturn: readyAfterMs / 1000,
        caughtUpSecondsAfterReturn: caughtUpAfterMs / 1000,
        committedSinceReturn: committedAfter - committedAtEnd,
      });
      expect(stillUnready).toBe(503);
      expect(committedAtEnd).toBe(committedDuring);
      expect(lagAtEnd).toBeGreaterThan(lagDuring + scenario.load.ratePerSecond * 30);
      expect(result.missing).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.rows).toBe(result.acked);
    } finally {
      if (cassandraDown) await startStackService('cassandra').catch(() => {});
      await scenario.dispose();
    }
  });
});
