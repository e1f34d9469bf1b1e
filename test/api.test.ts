import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Reading } from '../common/reading/reading.js';
import * as responses from '../exporter/api/responses.js';
import { explain, type ScoredReading } from '../scoring/scored-reading.js';
import type { ExplainedFinding, Verdict } from '../scoring/scoring-core.js';
import { createCassandraReadingRepository } from '../storage/reading.repository.js';
import { writeDailyCycleCsv } from './support/history-csv.js';
import { type RunningService, runCli, startService } from './support/service.js';
import { cassandraClient, eventually, uniqueName } from './support/stack.js';

const cassandra = cassandraClient('sensorwatch');
const ADMIN_TOKEN = `test-admin-token-${uniqueName('t')}-0123456789`;
const registry = uniqueName('api-test');

function scored(
  stationId: string,
  seq: number,
  ts: number,
  values: Reading['values'],
  findings: ExplainedFinding[] = [],
): ScoredReading {
  const reading: Reading = {
    readingId: `${stationId}:${seq}`,
    stationId,
    profile: stationId.startsWith('environment') ? 'environment' : 'factory',
    ts: new Date(ts).toISOString(),
    seq,
    values,
    label: null,
  };
  const worst = findings[0];
  const verdict: Verdict = {
    isAnomaly: findings.length > 0,
    severity: worst?.severity ?? 'none',
    score: worst?.score ?? 0.5,
    warmingUp: false,
    findings,
    zScores: {},
  };
  return {
    reading,
    verdict,
    explanation: explain(verdict),
    detectorVersion: 'api-test',
    modelVersion: 'factory-20261123000000-abcd',
  };
}

function ruleFinding(value: number, since: number): ExplainedFinding {
  return {
    model: 'rules',
    kind: 'rule',
    sensors: ['air_quality'],
    score: 3,
    severity: 'warning',
    facts: { value, limit: 300, direction: 'above', message: 'Unhealthy air; limit outdoor exertion', since },
    explanation: `rule: Unhealthy air (air_quality ${value} above 300)`,
  };
}

const ENVIRONMENT = {
  temperature: 25,
  humidity: 60,
  pressure: 1013,
  air_quality: 200,
  particulate_matter: 30,
  noise_level: 50,
  illuminance: 500,
  wind_speed: 3,
  rainfall: 0,
};

describe('exporter REST API against the real Cassandra', () => {
  const area = uniqueName('environment-apitest');
  const factory = uniqueName('factory-apitest');
  const envStation = `${area}-s001`;
  const now = Date.now();
  let exporter: RunningService;
  let limited: RunningService;

  const call = async (
    method: string,
    url: string,
    init: { body?: string; token?: string; contentType?: string } = {},
  ) => {
    const response = await fetch(`${exporter.metricsUrl}${url}`, {
      method,
      headers: {
        ...(init.body !== undefined ? { 'content-type': init.contentType ?? 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  /** GETs a route, expects a 200 and checks the body against the documented response schema. */
  const ok = async <S extends z.ZodType>(url: string, schema: S): Promise<z.output<S>> => {
    const { status, body } = await call('GET', url);
    expect(status, JSON.stringify(body)).toBe(200);
    return schema.parse(body);
  };

  beforeAll(async () => {
    const repository = createCassandraReadingRepository(cassandra);
    // A factory station's recent history: 240 normal readings a second apart, then two anomalies.
    const history = Array.from({ length: 240 }, (_, i) =>
      scored(factory, i, now - (260 - i) * 1000, {
        temperature: 22 + Math.sin(i / 10) * 0.5,
        humidity: 45 + Math.cos(i / 7),
        noise_level: 65 + Math.sin(i / 5),
      }),
    );
    const level = (z: number): ExplainedFinding => ({
      model: 'stats',
      kind: 'level',
      sensors: ['temperature'],
      score: z,
      severity: z >= 5 ? 'critical' : 'warning',
      facts: { z },
      explanation: `temperature z=${z}`,
    });
    history.push(
      scored(factory, 240, now - 10_000, { temperature: 40, humidity: 45, noise_level: 65 }, [level(7)]),
    );
    history.push(
      scored(factory, 241, now - 9_000, { temperature: 30, humidity: 45, noise_level: 65 }, [level(4)]),
    );
    await repository.save(history);
    // An environment station whose air-quality rule fires (the detector writes the warnings feed).
    await repository.save([
      scored(envStation, 1, now - 5_000, { ...ENVIRONMENT, air_quality: 320 }, [
        ruleFinding(320, now - 5_000),
      ]),
    ]);

    exporter = await startService(
      uniqueName('exporter-api'),
      'exporter/main.ts',
      {
        EXPORTER_GROUP_ID: uniqueName('test.exporter'),
        EXPORTER_ADMIN_TOKEN: ADMIN_TOKEN,
        MODEL_REGISTRY: registry,
        EXPORTER_RATE_LIMIT_PER_S: '1000',
        EXPORTER_RATE_LIMIT_BURST: '1000',
      },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
    limited = await startService(
      uniqueName('exporter-limited'),
      'exporter/main.ts',
      {
        EXPORTER_GROUP_ID: uniqueName('test.exporter'),
        EXPORTER_RATE_LIMIT_PER_S: '1',
        EXPORTER_RATE_LIMIT_BURST: '3',
      },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
  }, 120_000);

  afterAll(async () => {
    await exporter?.stop();
    await limited?.stop();
    await cassandra.shutdown();
  });

  it('serves its OpenAPI document, and every documented operation exists', async () => {
    const document = (await call('GET', '/api/openapi.json')).body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.0.3');
    const operations = Object.entries(document.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /api/anomalies/count',
        'GET /api/anomalies/episodes',
        'GET /api/anomalies/latest',
        'GET /api/forecasts',
        'GET /api/models',
        'GET /api/models/current',
        'GET /api/stations',
        'GET /api/stations/{id}/readings',
        'GET /api/summary',
        'GET /api/warnings',
        'POST /api/models/retrain',
        'POST /api/models/{version}/activate',
        'POST /api/predict',
      ].sort(),
    );
  });

  it('counts anomalies over a range, by station, and summarises them per profile', async () => {
    const count = await ok(`/api/anomalies/count?range=15m&station=${factory}`, responses.anomalyCount);
    expect(count).toMatchObject({ range: '15m', total: 2, bySeverity: { warning: 1, critical: 1 } });
    const byProfile = await ok(
      `/api/anomalies/count?range=30d&profile=environment&station=${factory}`,
      responses.anomalyCount,
    );
    expect(byProfile.total).toBe(0);
    const clamped = await ok('/api/anomalies/count?range=100d', responses.anomalyCount);
    expect(Date.parse(clamped.to) - Date.parse(clamped.from)).toBe(90 * 86_400_000);
    const cached = await call('GET', '/api/summary?range=15m&top=100');
    expect(cached.headers.get('cache-control')).toBe('public, max-age=10');
    const summary = await ok('/api/summary?range=15m&top=100', responses.summary);
    expect(summary.byProfile.factory?.total).toBeGreaterThanOrEqual(2);
    expect(summary.total).toBe(Object.values(summary.byProfile).reduce((sum, p) => sum + p.total, 0));
    // Other tests' stations may outnumber ours: the list is the most anomalous, in order.
    const counts = summary.topStations.map((s) => s.anomalies);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const ours = summary.topStations.find((s) => s.stationId === factory);
    if (ours) expect(ours).toEqual({ stationId: factory, profile: 'factory', anomalies: 2 });
    else expect(counts.length === 100 && (counts.at(-1) as number) >= 2).toBe(true);
    const latest = await ok(
      `/api/anomalies/latest?station=${factory}&severity=critical`,
      responses.latestAnomalies,
    );
    expect(latest.anomalies.map((a) => [a.seq, a.modelVersion])).toEqual([
      [240, 'factory-20261123000000-abcd'],
    ]);
  });

  it('serves anomalies and their episodes within a time range, for several stations and profiles, as Grafana asks for them', async () => {
    const iso = (t: number) => new Date(t).toISOString();
    const hour = `from=${iso(now - 3_600_000)}&to=${iso(now + 60_000)}`;
    const both = await ok(
      `/api/anomalies/latest?station=${factory},${envStation}&profile=factory,environment&${hour}`,
      responses.latestAnomalies,
    );
    expect(both.anomalies.map((a) => [a.stationId, a.seq])).toEqual([
      [envStation, 1],
      [factory, 241],
      [factory, 240],
    ]);
    // `to` is exclusive, `from` inclusive: the window holds the second factory anomaly alone.
    const window = await ok(
      `/api/anomalies/latest?station=${factory}&from=${iso(now - 9_000)}&to=${iso(now - 8_999)}`,
      responses.latestAnomalies,
    );
    expect(window.anomalies.map((a) => a.seq)).toEqual([241]);
    const fleetWindow = await ok(
      `/api/anomalies/latest?profile=factory&from=${iso(now - 10_000)}&to=${iso(now - 9_000)}&limit=1000`,
      responses.latestAnomalies,
    );
    expect(fleetWindow.anomalies.filter((a) => a.stationId === factory).map((a) => a.seq)).toEqual([240]);
    expect(new Set(fleetWindow.anomalies.map((a) => a.profile))).toEqual(new Set(['factory']));

    const episodes = await ok(
      `/api/anomalies/episodes?station=${factory},${envStation}&${hour}`,
      responses.anomalyEpisodes,
    );
    expect(episodes).toEqual({
      count: 2,
      truncated: false,
      episodes: [
        expect.objectContaining({
          stationId: envStation,
          start: iso(now - 5_000),
          end: iso(now - 5_000),
          readings: 1,
        }),
        {
          stationId: factory,
          profile: 'factory',
          start: iso(now - 10_000),
          end: iso(now - 9_000),
          severity: 'critical',
          peakScore: 7,
          explanation: '[stats] temperature z=7',
          modelVersion: 'factory-20261123000000-abcd',
          readings: 2,
          title: `${factory}: critical for 1 s (2 readings)`,
        },
      ],
    });
    // The gap is the query's: a minute still joins anomalies a second apart.
    const split = await ok(
      `/api/anomalies/episodes?station=${factory}&gap=1m&${hour}`,
      responses.anomalyEpisodes,
    );
    expect(split.count).toBe(1);

    const nearby = await ok(`/api/warnings?station=${envStation}`, responses.warningFeed);
    expect(nearby.warnings.map((w) => w.stationId)).toEqual([envStation]);
    const elsewhere = await ok(
      `/api/warnings?station=${factory}&profile=environment,factory`,
      responses.warningFeed,
    );
    expect(elsewhere.warnings.filter((w) => w.stationId === envStation)).toEqual([]);
  });

  it('lists stations and pages through a station’s readings with cursors, newest first, each reading once', async () => {
    const stations = await ok(`/api/stations?profile=factory&prefix=${factory}`, responses.stationList);
    expect(stations.stations).toEqual([expect.objectContaining({ stationId: factory, profile: 'factory' })]);
    const from = new Date(now - 600_000).toISOString();
    const to = new Date(now).toISOString();
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ok(
        `/api/stations/${factory}/readings?from=${from}&to=${to}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        responses.readingsPage,
      );
      expect(page.readings.length).toBeLessThanOrEqual(100);
      seen.push(...page.readings.map((r) => r.seq));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 242 }, (_, i) => 241 - i));
  });

  it('serves the warnings feed by area and severity, and drops a warning once its rule clears', async () => {
    const feed = await ok(`/api/warnings?area=${area}`, responses.warningFeed);
    expect(feed.warnings).toEqual([
      expect.objectContaining({
        stationId: envStation,
        sensor: 'air_quality',
        severity: 'warning',
        direction: 'above',
        threshold: 300,
        value: 320,
        since: new Date(now - 5_000).toISOString(),
      }),
    ]);
    expect((await ok(`/api/warnings?area=${area}&severity=critical`, responses.warningFeed)).count).toBe(0);
    await createCassandraReadingRepository(cassandra).save([
      scored(envStation, 1, now - 5_000, { ...ENVIRONMENT, air_quality: 320 }, [
        ruleFinding(320, now - 5_000),
      ]),
      scored(envStation, 2, now - 4_000, { ...ENVIRONMENT, air_quality: 250 }),
    ]);
    // The feed may be up to 2 s old (Cache-Control: max-age=2).
    await eventually('the cleared warning to drop out', async () =>
      (await ok(`/api/warnings?area=${area}`, responses.warningFeed)).count === 0 ? true : undefined,
    );
  });

  it('predicts with the station’s history and stores nothing', async () => {
    const { status, body } = await call('POST', '/api/predict', {
      body: JSON.stringify({
        stationId: factory,
        profile: 'factory',
        values: { temperature: 60, humidity: 45, noise_level: 65 },
      }),
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const prediction = responses.prediction.parse(body);
    expect(prediction).toMatchObject({
      isAnomaly: true,
      severity: 'critical',
      modelVersion: null, // this test's registry has no active version yet
      historyReadings: 150,
    });
    expect(prediction.explanation).toMatch(/temperature (trending, )?at 60/);
    const normal = responses.prediction.parse(
      (
        await call('POST', '/api/predict', {
          body: JSON.stringify({
            stationId: factory,
            profile: 'factory',
            values: { temperature: 22.2, humidity: 45.3, noise_level: 65.2 },
          }),
        })
      ).body,
    );
    expect(normal.isAnomaly).toBe(false);
    const stored = await ok(
      `/api/stations/${factory}/readings?limit=1000&from=${new Date(now - 600_000).toISOString()}`,
      responses.readingsPage,
    );
    expect(stored.count).toBe(242);
  });

  it('retrains and activates models behind the admin token, with drift figures', async () => {
    const denied = await call('POST', '/api/models/retrain', { body: '{}' });
    expect(denied).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect((await call('POST', '/api/models/retrain', { body: '{}', token: 'wrong-token' })).status).toBe(
      403,
    );

    const { status, body } = await call('POST', '/api/models/retrain', {
      body: JSON.stringify({ profile: 'factory', hours: 1 }),
      token: ADMIN_TOKEN,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const [first] = responses.retrainResult.parse(body).results;
    expect(first).toMatchObject({ profile: 'factory', trained: true, driftFromPrevious: null });
    const second = responses.retrainResult.parse(
      (
        await call('POST', '/api/models/retrain', {
          body: JSON.stringify({ profile: 'factory', hours: 1 }),
          token: ADMIN_TOKEN,
        })
      ).body,
    ).results[0];
    expect(Object.keys(second?.driftFromPrevious ?? {})).toEqual(['temperature', 'humidity', 'noise_level']);
    expect(second?.previousVersion).toBe(first?.version);

    const versions = await ok('/api/models?profile=factory', responses.modelList);
    // Newest first by version id, which orders by the second: two versions of one second may come either way.
    expect(new Map(versions.versions.map((v) => [v.version, v.active]))).toEqual(
      new Map([
        [second?.version, true],
        [first?.version, false],
      ]),
    );
    const activated = await call('POST', `/api/models/${first?.version}/activate`, { token: ADMIN_TOKEN });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    const activation = responses.activation.parse(activated.body);
    expect(activation).toMatchObject({
      profile: 'factory',
      version: first?.version,
      previousVersion: second?.version,
    });
    expect(Object.keys(activation.drift ?? {})).toEqual(['temperature', 'humidity', 'noise_level']);
    const current = await ok('/api/models/current', responses.currentModels);
    expect(current.profiles.find((p) => p.profile === 'factory')?.active?.version).toBe(first?.version);
    expect(
      (await call('POST', '/api/models/factory-20200101000000-abcd/activate', { token: ADMIN_TOKEN })).status,
    ).toBe(404);
  }, 120_000);

  it.each([
    ['GET', '/api/anomalies/latest?limit=5000', 'limit: expected at most 1000'],
    ['GET', '/api/anomalies/latest?severity=apocalyptic', 'severity: expected warning or critical'],
    ['GET', '/api/anomalies/count', 'range'],
    ['GET', '/api/anomalies/count?range=2y', 'range: expected a number and a unit m, h or d'],
    ['GET', '/api/anomalies/count?range=1h&profile=spaceship', 'profile: expected one of factory'],
    ['GET', '/api/summary?top=0', 'top: expected at least 1'],
    ['GET', '/api/stations?colour=blue', 'colour'],
    ['GET', '/api/stations/Bad%20Id/readings', 'id: expected a station id'],
    ['GET', '/api/stations/factory-x/readings?from=yesterday', 'from: expected an ISO 8601 UTC timestamp'],
    [
      'GET',
      '/api/stations/factory-x/readings?from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z',
      'from: expected a time before `to`',
    ],
    ['GET', '/api/stations/factory-x/readings?limit=-1', 'limit: expected at least 1'],
    ['GET', '/api/warnings?area=NORTH', 'area: expected the start of station ids'],
    ['GET', '/api/anomalies/episodes', 'station'],
    ['GET', '/api/anomalies/episodes?station=a,Bad%20Id', 'station: "Bad Id": expected a station id'],
    [
      'GET',
      `/api/anomalies/latest?station=${Array.from({ length: 21 }, (_, i) => `s${i}`).join(',')}`,
      'station: expected at most 20 stations',
    ],
    [
      'GET',
      '/api/anomalies/latest?profile=factory,spaceship',
      'profile: "spaceship": expected one of factory',
    ],
    [
      'GET',
      '/api/anomalies/latest?from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z',
      'from: expected a time before `to`',
    ],
    [
      'GET',
      '/api/anomalies/episodes?station=a&from=2026-11-01T00:00:00Z&to=2026-11-23T00:00:00Z',
      'from: expected at most 7 days before `to`',
    ],
    ['GET', '/api/anomalies/episodes?station=a&gap=soon', 'gap: expected a number and a unit'],
    ['GET', '/api/forecasts?station=factory-x', 'sensor'],
    [
      'GET',
      '/api/forecasts?station=factory-x&sensor=temperature&horizon=500',
      'horizon: expected at most 168',
    ],
    ['GET', '/api/models?limit=abc', 'limit: expected a number'],
  ])('%s %s answers 400 naming the field', async (method, url, message) => {
    const { status, body } = await call(method, url);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request' });
    expect((body.error as { message: string }).message).toContain(message);
  });

  it.each([
    ['not JSON', '{"stationId":', 400, 'Unexpected'],
    ['an array', '[]', 400, 'expected object'],
    [
      'an unknown profile',
      JSON.stringify({ stationId: 'factory-x', profile: 'spaceship', values: {} }),
      400,
      'profile: expected one of factory',
    ],
    [
      'a missing sensor',
      JSON.stringify({ stationId: 'factory-x', profile: 'factory', values: { temperature: 20 } }),
      400,
      'values.humidity: expected a number or null',
    ],
    [
      'a value out of range',
      JSON.stringify({
        stationId: 'factory-x',
        profile: 'factory',
        values: { temperature: 9999, humidity: 45, noise_level: 60 },
      }),
      400,
      "values.temperature: expected at most 150 (the sensor's valid range)",
    ],
    [
      'a sensor of another profile',
      JSON.stringify({
        stationId: 'factory-x',
        profile: 'factory',
        values: { temperature: 20, humidity: 45, noise_level: 60, rainfall: 1 },
      }),
      400,
      'rainfall',
    ],
    [
      'a timestamp far in the future',
      JSON.stringify({
        stationId: 'factory-x',
        profile: 'factory',
        ts: '2099-01-01T00:00:00Z',
        values: { temperature: 20, humidity: 45, noise_level: 60 },
      }),
      400,
      'is in the future',
    ],
    [
      'a string value',
      JSON.stringify({
        stationId: 'factory-x',
        profile: 'factory',
        values: { temperature: 'hot', humidity: 45, noise_level: 60 },
      }),
      400,
      'values.temperature',
    ],
    [
      'a bad station id',
      JSON.stringify({ stationId: 'Factory X', profile: 'factory', values: {} }),
      400,
      'stationId',
    ],
    [
      'a body over the limit',
      JSON.stringify({ stationId: 'factory-x', profile: 'factory', values: { x: 'y'.repeat(20_000) } }),
      413,
      'too large',
    ],
  ])('POST /api/predict with %s answers %i', async (_what, body, status, message) => {
    const response = await call('POST', '/api/predict', { body });
    expect(response.status).toBe(status);
    expect((response.body.error as { message: string }).message).toContain(message);
  });

  it.each([
    ['{"hours": 0}', 'hours: expected more than 0 hours'],
    ['{"hours": "a day"}', 'hours: expected a number of hours'],
    ['{"profile": "spaceship"}', 'profile: expected one of factory'],
    ['{"profile": "factory", "force": true}', 'force'],
  ])('POST /api/models/retrain with %s answers 400 naming the field', async (body, message) => {
    const response = await call('POST', '/api/models/retrain', { body, token: ADMIN_TOKEN });
    expect(response.status).toBe(400);
    expect((response.body.error as { message: string }).message).toContain(message);
  });

  it('answers 405 with Allow for a method a route does not have', async () => {
    const response = await fetch(`${exporter.metricsUrl}/api/summary`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });

  it('pages with a cursor alone when from and to were left to their defaults', async () => {
    const first = await ok(`/api/stations/${factory}/readings?limit=5`, responses.readingsPage);
    const second = await ok(
      `/api/stations/${factory}/readings?limit=5&cursor=${first.cursor}`,
      responses.readingsPage,
    );
    expect(second.from).toBe(first.from);
    expect(second.readings[0]?.seq).toBe((first.readings.at(-1)?.seq as number) - 1);
  });

  it('answers 404 for unknown stations and versions, and 415 for a body that is not JSON', async () => {
    expect((await call('GET', '/api/stations/factory-nobody-here/readings')).status).toBe(404);
    expect((await call('GET', '/api/forecasts?station=factory-nobody-here&sensor=temperature')).status).toBe(
      404,
    );
    expect(
      (await call('POST', '/api/predict', { body: 'temperature=20', contentType: 'text/plain' })).status,
    ).toBe(415);
    expect((await call('POST', '/api/models/not-a-version/activate', { token: ADMIN_TOKEN })).status).toBe(
      400,
    );
  });

  it('when a client goes past its rate, then it gets 429 with Retry-After; admin routes are off without a token', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${limited.metricsUrl}/api/stations?profile=factory&prefix=none`);
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      } else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Health and metrics are not rate limited.
    expect((await fetch(`${limited.metricsUrl}/healthz`)).status).toBe(200);
    const admin = await fetch(`${limited.metricsUrl}/api/models/retrain`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(admin.status).toBe(404);
    const anonymous = await fetch(`${limited.metricsUrl}/api/models/retrain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('history import and forecasting against the real Cassandra', () => {
  const station = uniqueName('taxi-apitest');
  const HOUR = 3_600_000;
  const env = { MODEL_REGISTRY: registry };
  let file: string;
  let end: number;

  beforeAll(() => {
    ({ file, end } = writeDailyCycleCsv(station, 4));
  });

  afterAll(async () => {
    await cassandra.shutdown().catch(() => {});
  });

  it('imports a CSV with bad rows reported by line and skipped, and importing twice stores each row once', async () => {
    const first = await runCli('importer/cli.ts', [file, '--station', station]);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(
      `${file}:101: skipped: expected an ISO 8601 timestamp, got "2026-13-45 00:00:00"`,
    );
    expect(first.output).toContain(`${file}:102: skipped: value: expected a number, got "not-a-number"`);
    expect(first.output).toContain('Imported 576 rows');
    expect(first.output).toContain('2 bad rows skipped');
    const again = await runCli('importer/cli.ts', [file, '--station', station]);
    expect(again.code, again.output).toBe(0);
    const client = cassandraClient('sensorwatch');
    let stored = 0;
    for (
      let day = Math.floor((end - 5 * 24 * HOUR) / 86_400_000);
      day <= Math.floor(end / 86_400_000);
      day++
    ) {
      const result = await client.execute(
        'SELECT COUNT(*) AS n FROM readings_by_station WHERE station_id = ? AND day = ?',
        [station, new Date(day * 86_400_000).toISOString().slice(0, 10)],
        { prepare: true },
      );
      stored += Number(result.first()?.get('n'));
    }
    await client.shutdown();
    expect(stored).toBe(576);
  }, 60_000);

  it('imports the UCI household power layout: ? is a missing value, a bad row is reported and skipped', async () => {
    const uci = path.join(os.tmpdir(), `${station}-uci.txt`);
    const day = new Date(Date.now() - 86_400_000);
    const date = `${day.getUTCDate()}/${day.getUTCMonth() + 1}/${day.getUTCFullYear()}`;
    writeFileSync(
      uci,
      [
        'Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;Sub_metering_2;Sub_metering_3',
        `${date};17:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000`,
        `${date};17:25:00;?;?;?;?;?;?;`,
        `${date};17:26:00;5.360;0.436;233.630;23.000;0.000;1.000;16.000`,
        `${date};17:27:00;5.374;0.498;999.000;23.000;0.000;2.000;17.000`,
        '',
      ].join('\n'),
    );
    const result = await runCli('importer/cli.ts', [uci, '--station', `${station}-uci`]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`${uci}:5: skipped: voltage = 999 is outside [180, 270]`);
    expect(result.output).toMatch(
      /Imported 3 rows \(1 with every value missing\) .* \(profile household_power, uci layout/,
    );
  });

  it('when a wrong file or option is given, then the import says so and stores nothing', async () => {
    const wrong = path.join(os.tmpdir(), `${station}-wrong.csv`);
    writeFileSync(wrong, 'a;b;c\n1;2;3\n');
    const result = await runCli('importer/cli.ts', [wrong, '--station', `${station}-wrong`]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('the header should be "timestamp,<sensor>');
    const noStation = await runCli('importer/cli.ts', [file]);
    expect(noStation.code).not.toBe(0);
    expect(noStation.output).toContain('--station');
  });

  it('forecasts each hour, scores the forecasts as actuals arrive against the seasonal-naive baseline, and serves them', async () => {
    // As of a day ago: trains on the first three days and forecasts the fourth.
    const past = await runCli(
      'forecasting/cli.ts',
      [
        '--profile',
        'imported',
        '--station-prefix',
        station,
        '--until',
        new Date(end - 24 * HOUR).toISOString(),
        '--rollup-days',
        '4',
      ],
      env,
    );
    expect(past.code, past.output).toBe(0);
    expect(past.output).toContain('24 forecasts');
    // Now: the fourth day's actuals have been rolled up, so those forecasts are scored. As of the data's
    // end, not the clock, so an hour that turns during the test changes nothing.
    const current = await runCli(
      'forecasting/cli.ts',
      [
        '--profile',
        'imported',
        '--station-prefix',
        station,
        '--until',
        new Date(end).toISOString(),
        '--rollup-days',
        '5',
      ],
      env,
    );
    expect(current.code, current.output).toBe(0);
    expect(current.output).toMatch(/imported\s+holt_winters\s+24 /);
    expect(current.output).toMatch(/imported\s+seasonal_naive\s+24 /);

    const exporter = await startService(
      uniqueName('exporter-forecast'),
      'exporter/main.ts',
      { ...env, EXPORTER_GROUP_ID: uniqueName('test.exporter') },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
    try {
      const forecast = responses.forecasts.parse(
        await (
          await fetch(
            `${exporter.metricsUrl}/api/forecasts?station=${station}&sensor=value&horizon=6&past=48`,
          )
        ).json(),
      );
      expect(forecast.model).toBe('holt_winters');
      // The API counts from the current hour, which may have turned since the data's end.
      const scoredHours = forecast.points.filter((p) => Date.parse(p.hour) < end);
      expect(scoredHours).toHaveLength(24);
      for (const point of scoredHours) expect(point.actual).not.toBeNull();
      const ahead = forecast.points.filter((p) => Date.parse(p.hour) >= end);
      expect(ahead.length).toBeGreaterThanOrEqual(6);
      for (const point of ahead) expect(point.actual).toBeNull();
      for (const point of forecast.points) expect(point.lower).toBeLessThan(point.upper);
      // The signal is a clean daily cycle: the forecast of the last day is close to what happened.
      const meanError =
        scoredHours.reduce((s, p) => s + Math.abs((p.actual as number) - p.predicted), 0) / 24;
      expect(meanError).toBeLessThan(5);
      const current = responses.currentModels.parse(
        await (await fetch(`${exporter.metricsUrl}/api/models/current`)).json(),
      );
      const accuracy = current.forecastAccuracy.filter((a) => a.profile === 'imported');
      expect(accuracy.map((a) => [a.model, a.points])).toEqual([
        ['holt_winters', 24],
        ['seasonal_naive', 24],
      ]);
    } finally {
      await exporter.stop();
    }
  }, 120_000);
});
