import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { types } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../common/kafka/topics.js';
import { seededRandom } from '../common/random.js';
import type { Reading } from '../common/reading/reading.js';
import { createKafkaReadingPublisher } from '../producer/readings.publisher.js';
import { createTestTopic, deleteTestTopic } from './support/kafka.js';
import { type RunningService, runCli, startService } from './support/service.js';
import { cassandraClient, eventually, kafkaClient, uniqueName } from './support/stack.js';
import { daysSpanned, HOUR_MS, REFERENCE_TS, shiftToPresent } from './support/test-time.js';

const kafka = kafkaClient();
const cassandra = cassandraClient('sensorwatch');

/** A factory hall's temperature at a reference time: 22 °C with a 3 °C daily cycle. */
const temperatureAt = (ts: number) => 22 + 3 * Math.sin((2 * Math.PI * new Date(ts).getUTCHours()) / 24);
/** Its small seeded wobble, the same in every run. */
const wobble = seededRandom(7);

describe('forecast signal: the detector flags a reading far outside its forecast', () => {
  const station = uniqueName('factory-forecast');
  const registry = uniqueName('test-registry');
  const topics = { readings: '', scored: '', deadLetter: '' };
  let detector: RunningService;
  let shift = 0;
  let end = 0;

  beforeAll(async () => {
    // Three days of history generated up to the reference time and shifted by whole hours to end at the
    // current hour, imported, then forecast as of that end: the current hour now has a forecast.
    ({ shift, presentEnd: end } = shiftToPresent(REFERENCE_TS, HOUR_MS));
    const lines = ['timestamp,temperature,humidity,noise_level'];
    for (let t = REFERENCE_TS - 3 * 24 * HOUR_MS; t < REFERENCE_TS; t += 300_000) {
      const w = wobble.gaussian() * 0.15;
      lines.push(
        `${new Date(t + shift).toISOString()},${(temperatureAt(t) + w).toFixed(2)},45,${(68 + w).toFixed(2)}`,
      );
    }
    const file = path.join(os.tmpdir(), `${station}.csv`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = await runCli('importer/cli.ts', [file, '--station', station, '--profile', 'factory']);
    expect(imported.code, imported.output).toBe(0);
    const forecast = await runCli(
      'forecasting/cli.ts',
      [
        '--profile',
        'factory',
        '--station-prefix',
        station,
        '--until',
        new Date(end).toISOString(),
        '--rollup-days',
        '4',
      ],
      { MODEL_REGISTRY: registry },
    );
    expect(forecast.code, forecast.output).toBe(0);

    topics.readings = await createTestTopic(kafka, 3);
    topics.scored = await createTestTopic(kafka, 1, TOPICS.scored);
    topics.deadLetter = await createTestTopic(kafka, 1, TOPICS.deadLetter);
    detector = await startService(uniqueName('detector-forecast'), 'detector/main.ts', {
      READINGS_TOPIC: topics.readings,
      SCORED_TOPIC: topics.scored,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      DETECTOR_GROUP_ID: uniqueName('test.forecast'),
      MODEL_REGISTRY: registry,
      DETECTOR_FORECAST_POLL_S: '5',
    });
  }, 180_000);

  afterAll(async () => {
    await detector?.stop();
    for (const topic of Object.values(topics)) if (topic) await deleteTestTopic(kafka, topic);
    await cassandra.shutdown();
  });

  it('when a reading is far from the hour’s forecast, then it is stored as an anomaly explained by the forecast', async () => {
    const publisher = createKafkaReadingPublisher(kafka, topics.readings);
    await publisher.connect();
    const now = Date.now();
    const reading = (seq: number, temperature: number): Reading => ({
      readingId: `${station}:live-${seq}`,
      stationId: station,
      profile: 'factory',
      ts: new Date(now + seq).toISOString(),
      seq: 1_000_000 + seq,
      values: { temperature, humidity: 45, noise_level: 68 },
      label: null,
    });
    try {
      // A normal reading, then one 15 °C above the forecast (the statistics are still warming up: only
      // the forecast can judge this station's first live readings). The hall's temperature now is what
      // it was at the same point of the reference day.
      const expected = temperatureAt(now - shift);
      await publisher.publish([reading(0, Number(expected.toFixed(2))), reading(1, expected + 15)]);
    } finally {
      await publisher.disconnect();
    }
    const rows = await eventually(
      'both readings stored',
      async () => {
        const rows = [];
        // The two readings are a millisecond apart, which midnight may fall between.
        for (const day of daysSpanned(now, now + 1)) {
          const result = await cassandra.execute(
            'SELECT seq, is_anomaly, explanation FROM readings_by_station WHERE station_id = ? AND day = ? AND ts >= ?',
            [station, types.LocalDate.fromString(day), new Date(now)],
            { prepare: true },
          );
          rows.push(...result.rows);
        }
        return rows.length === 2 ? rows : undefined;
      },
      60_000,
    );
    const bySeq = new Map(rows.map((row) => [Number(row.get('seq')) - 1_000_000, row]));
    expect(bySeq.get(0)?.get('is_anomaly')).toBe(false);
    expect(bySeq.get(1)?.get('is_anomaly')).toBe(true);
    expect(bySeq.get(1)?.get('explanation')).toMatch(
      /\[forecast\] temperature at [\d.]+, [\d.]+σ from its forecast/,
    );
  }, 120_000);
});
