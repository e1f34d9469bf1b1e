import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Partitioners } from '../common/kafka/kafkajs.js';
import { TOPICS } from '../common/kafka/topics.js';
import type { Reading } from '../common/reading/reading.js';
import { createKafkaReadingPublisher } from '../producer/readings.publisher.js';
import { ALERTMANAGER, HOST, PROMETHEUS } from '../stack/topology.js';
import { eventually, kafkaClient, uniqueName } from './support/stack.js';

interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

async function alertsNamed(name: string): Promise<AlertmanagerAlert[]> {
  const url = `http://${HOST}:${ALERTMANAGER.port}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`;
  return (await (await fetch(url)).json()) as AlertmanagerAlert[];
}

function reading(stationId: string, seq: number, ts: number, temperature: number): Reading {
  return {
    readingId: `${stationId}:${seq}`,
    stationId,
    profile: 'factory',
    ts: new Date(ts).toISOString(),
    seq,
    values: { temperature, humidity: 45 + (seq % 5) * 0.3, noise_level: 68 + (seq % 7) * 0.2 },
    label: null,
  };
}

// Needs the pipeline of the native stack (npm test starts it): its detector and exporter are what
// Prometheus scrapes, and Prometheus sends to the stack's Alertmanager.
describe('alerting: from the pipeline through Prometheus to Alertmanager', () => {
  it('when a malformed message reaches the pipeline, then SensorwatchDeadLetters fires in Prometheus and Alertmanager receives it', async () => {
    const kafka = kafkaClient();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const sendMalformed = () =>
      producer.send({
        topic: TOPICS.readings.name,
        acks: -1,
        messages: [{ key: uniqueName('alert-test'), value: '{"this is": not json' }],
      });
    // increase() needs a sample before the rise: a just-started detector may count the first message before
    // Prometheus first scrapes it. So one message, seen by Prometheus, then a second one.
    await sendMalformed();
    await eventually(
      'Prometheus to have scraped the first dead letter',
      async () => {
        const query = 'sensorwatch_readings_dead_lettered_total{code="not_json", job="detector"} >= 1';
        const url = `http://${HOST}:${PROMETHEUS.port}/api/v1/query?query=${encodeURIComponent(query)}`;
        const body = (await (await fetch(url)).json()) as { data: { result: unknown[] } };
        return body.data.result.length > 0 ? true : undefined;
      },
      90_000,
    );
    await sendMalformed();
    await producer.disconnect();

    const alert = await eventually(
      'Alertmanager to hold the dead-letter alert',
      async () => (await alertsNamed('SensorwatchDeadLetters')).find((a) => a.labels.code === 'not_json'),
      120_000,
    );
    expect(alert.labels).toMatchObject({
      alertname: 'SensorwatchDeadLetters',
      severity: 'warning',
      stack: 'sensorwatch',
    });
    expect(alert.annotations.summary).toMatch(/messages rejected in 5 minutes \(not_json\)/);
    expect(alert.status.state).toBe('active');
  }, 240_000);

  it('when a station turns critical and stays so (an anomaly storm), then SensorwatchStationCritical fires for that station and reaches Alertmanager', async () => {
    const stationId = `${uniqueName('factory-storm')}-s001`;
    const publisher = createKafkaReadingPublisher(kafkaClient(), TOPICS.readings.name);
    await publisher.connect();
    // A normal minute first (back-dated), so the detector knows the station's baseline.
    const start = Date.now() - 60_000;
    await publisher.publish(
      Array.from({ length: 60 }, (_, i) => reading(stationId, i, start + i * 1000, 22 + Math.sin(i))),
    );
    // Then the machine overheats, reading after reading, until the alert arrives.
    let seq = 60;
    let storming = true;
    const storm = (async () => {
      while (storming) {
        await publisher.publish([reading(stationId, seq, Date.now(), 80 + (seq % 3))]);
        seq += 1;
        await sleep(1000);
      }
    })();
    try {
      const alert = await eventually(
        'Alertmanager to hold the critical-station alert',
        async () =>
          (await alertsNamed('SensorwatchStationCritical')).find((a) => a.labels.station === stationId),
        300_000,
      );
      expect(alert.labels).toMatchObject({ severity: 'critical', profile: 'factory' });
      expect(alert.annotations.summary).toContain(`${stationId} (factory) has read critical for 2 minutes`);
    } finally {
      storming = false;
      await storm;
      await publisher.disconnect();
    }
  }, 360_000);
});
