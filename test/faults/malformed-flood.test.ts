import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../detector/adapters/kafka-outputs.js';
import { SimulatedStation } from '../../simulation/station.js';
import { consumeAll, idempotentProducer } from '../support/kafka.js';
import { metricValue, scrape } from '../support/service.js';
import { malformedMessages } from './support/malformed.js';
import { reconcileWhenDrained } from './support/reconcile.js';
import { openScenario, report, sleep } from './support/scenario.js';

const FLOOD = 10_000;

describe('fault: a flood of malformed messages among valid readings', () => {
  it('when 10 000 malformed messages of every kind are mixed into valid traffic, then each is dead-lettered with its reason, the detector does not crash, and every valid reading is stored exactly once', async () => {
    const scenario = await openScenario('malformed-flood');
    const producer = idempotentProducer(scenario.kafka);
    try {
      const detector = await scenario.startDetector('a');
      await producer.connect();
      await scenario.load.start();
      await sleep(3_000);

      // A station of its own: taking a reading from one of the load's stations would advance its state.
      const template = JSON.parse(
        JSON.stringify(
          new SimulatedStation({
            stationId: `${scenario.groupId}-template`.replace(/[^a-z0-9._-]/g, '-'),
            profile: 'factory',
            anomalyRate: 0,
            originTs: Date.now(),
          }).readingAt(Date.now()),
        ),
      ) as Record<string, unknown>;
      const flood = malformedMessages(template, FLOOD, scenario.groupId);
      // Spread over ten seconds, between the valid readings of the same partitions.
      for (let i = 0; i < flood.length; i += 500) {
        await producer.send({
          topic: scenario.topics.readings,
          acks: -1,
          messages: flood.slice(i, i + 500).map((m) => ({ key: m.key, value: m.value })),
        });
        await sleep(500);
      }
      await sleep(3_000);
      await scenario.load.stop();

      const deadLetters = await consumeAll(scenario.kafka, scenario.topics.deadLetter, FLOOD, {
        timeoutMs: 120_000,
        idleMs: 3_000,
      });
      const result = await reconcileWhenDrained(scenario.cassandra, scenario.load.acked);
      const metrics = await scrape(detector);

      // Each malformed message is dead-lettered once, under its own key, with the code its kind must get
      // and a reason a person can act on.
      const expected = new Map(flood.map((m) => [m.key, m]));
      const problems: string[] = [];
      const byCode: Record<string, number> = {};
      for (const record of deadLetters) {
        const code = record.headers[DLQ_HEADERS.code] ?? '';
        byCode[code] = (byCode[code] ?? 0) + 1;
        const sent = expected.get(record.key);
        if (!sent) problems.push(`unexpected dead letter ${record.key}`);
        else if (sent.code !== code)
          problems.push(`${record.key} (${sent.kind}): ${code}, expected ${sent.code}`);
        if (!record.headers[DLQ_HEADERS.reason]) problems.push(`${record.key}: no reason`);
      }
      const keys = new Set(deadLetters.map((r) => r.key));
      const notDeadLettered = flood.filter((m) => !keys.has(m.key)).map((m) => `${m.key} (${m.kind})`);

      report('malformed-flood', {
        ...result,
        malformedSent: FLOOD,
        deadLettered: deadLetters.length,
        // Malformed messages of replayed chunks, not sent again.
        deadLettersNotResent: metricValue(metrics, 'sensorwatch_detector_dead_letters_skipped_total'),
        byCode,
        detectorAlive: detector.process.exitCode === null,
      });
      expect(detector.process.exitCode).toBeNull();
      expect(notDeadLettered.slice(0, 10)).toEqual([]);
      expect(problems.slice(0, 10)).toEqual([]);
      // Exactly once: a chunk the detector replays (abandoned after a failed write, or after a rebalance,
      // from the last checkpoint) does not dead-letter its malformed messages again.
      expect(keys.size).toBe(FLOOD);
      expect(deadLetters.length).toBe(FLOOD);
      expect(metricValue(metrics, 'sensorwatch_readings_dead_lettered_total')).toBe(FLOOD);
      expect(result.missing).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.rows).toBe(result.acked);
    } finally {
      await producer.disconnect();
      await scenario.dispose();
    }
  });
});
