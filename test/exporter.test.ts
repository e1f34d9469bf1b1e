import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../common/reading/reading.js';
import type { Severity } from '../scoring/model.js';
import { explain, type ScoredReading } from '../scoring/scored-reading.js';
import type { Verdict } from '../scoring/scoring-core.js';
import { createCassandraReadingRepository } from '../storage/reading.repository.js';
import { metricValue, type RunningService, startService } from './support/service.js';
import { cassandraClient, uniqueName } from './support/stack.js';

const cassandra = cassandraClient('sensorwatch');

function scored(stationId: string, seq: number, ts: number, severity: Severity): ScoredReading {
  const reading: Reading = {
    readingId: `${stationId}:${seq}`,
    stationId,
    profile: 'factory',
    ts: new Date(ts).toISOString(),
    seq,
    values: { temperature: 30 + seq, humidity: 45, noise_level: 68 },
    label: { kind: 'spike', sensors: ['temperature'] },
  };
  const z = severity === 'critical' ? 7 : severity === 'warning' ? 4 : 1;
  const verdict: Verdict = {
    isAnomaly: severity !== 'none',
    severity,
    score: z,
    warmingUp: false,
    findings:
      severity === 'none'
        ? []
        : [
            {
              model: 'stats',
              kind: 'level',
              sensors: ['temperature'],
              score: z,
              severity,
              facts: { z },
              explanation: `temperature at ${30 + seq}, z=+${z.toFixed(2)} (mean 22.000, σ 1.500)`,
            },
          ],
    zScores: { temperature: z, humidity: 0.1, noise_level: -0.2 },
  };
  return { reading, verdict, explanation: explain(verdict), detectorVersion: 'test-version' };
}

describe('exporter: REST API over Cassandra', () => {
  const station = uniqueName('factory-api');
  let exporter: RunningService;
  const get = async (path: string) => {
    const response = await fetch(`${exporter.metricsUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const now = Date.now();
    await createCassandraReadingRepository(cassandra).save([
      scored(station, 1, now - 4000, 'warning'),
      scored(station, 2, now - 3000, 'critical'),
      scored(station, 3, now - 2000, 'none'),
      scored(station, 4, now - 1000, 'warning'),
    ]);
    exporter = await startService(
      uniqueName('exporter'),
      'exporter/main.ts',
      // Its own group: it must not take scored partitions from an exporter the developer is running.
      { EXPORTER_GROUP_ID: uniqueName('test.exporter') },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
  });

  afterAll(async () => {
    await exporter?.stop();
    await cassandra.shutdown();
  });

  it('when anomalies are stored, then /api/anomalies/latest lists them newest first with their explanation', async () => {
    const { status, body } = await get(`/api/anomalies/latest?station=${station}&limit=2`);
    expect(status).toBe(200);
    expect(body.count).toBe(2);
    const anomalies = body.anomalies as Array<Record<string, unknown>>;
    expect(anomalies.map((a) => a.seq)).toEqual([4, 2]);
    expect(anomalies[0]).toMatchObject({
      stationId: station,
      profile: 'factory',
      severity: 'warning',
      score: 4,
      injectedAnomaly: 'spike',
      detectorVersion: 'test-version',
      values: { temperature: 34, humidity: 45, noise_level: 68 },
    });
    expect(anomalies[0]?.explanation).toBe('[stats] temperature at 34, z=+4.00 (mean 22.000, σ 1.500)');

    const critical = await get(`/api/anomalies/latest?station=${station}&severity=critical`);
    expect((critical.body.anomalies as Array<{ seq: number }>).map((a) => a.seq)).toEqual([2]);
  });

  it.each([
    ['limit=abc', 'limit: expected a number'],
    ['limit=0', 'limit: expected at least 1'],
    ['limit=5000', 'limit: expected at most 1000'],
    ['profile=spaceship', 'profile: expected one of factory'],
    ['severity=apocalyptic', 'severity: expected warning or critical'],
    ['colour=blue', 'colour'],
  ])('when the query is %s, then it answers 400 naming the field', async (query, message) => {
    const { status, body } = await get(`/api/anomalies/latest?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request' });
    expect((body.error as { message: string }).message).toContain(message);
  });

  it('when a route does not exist, then it answers a JSON 404; health, readiness and metrics answer', async () => {
    expect(await get('/api/nothing-here')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    const metrics = await (await fetch(`${exporter.metricsUrl}/metrics`)).text();
    expect(
      metricValue(metrics, 'sensorwatch_http_request_duration_seconds_count', {
        route: '/api/anomalies/latest',
        status: '400',
      }),
    ).toBeGreaterThanOrEqual(6);
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
