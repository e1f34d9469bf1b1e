import { describe, expect, it } from 'vitest';
import { parseScoredMessage, type ScoredMessage } from '../../scoring/scored-message.js';
import { LiveSensorState } from './live-sensor-state.js';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');

function message(
  stationId: string,
  tsOffsetMs: number,
  temperature: number,
  severity: 'none' | 'warning' | 'critical' = 'none',
): ScoredMessage {
  return {
    stationId,
    profile: 'factory',
    ts: new Date(T0 + tsOffsetMs).toISOString(),
    values: { temperature, humidity: 45 },
    verdict: {
      isAnomaly: severity !== 'none',
      severity,
      score: 1,
      zScores: { temperature: 1, humidity: -0.5 },
    },
  };
}

describe('LiveSensorState', () => {
  it('keeps the latest reading of each station and ignores an older one arriving late', () => {
    const state = new LiveSensorState({ maxStations: 10, staleAfterMs: 60_000 });
    state.update(message('s1', 0, 20), 0, T0);
    state.update(message('s1', 2000, 22, 'critical'), 0, T0 + 2000);
    state.update(message('s1', 1000, 21), 0, T0 + 2100);
    const [s1] = [...state.all()];
    expect(s1).toMatchObject({
      stationId: 's1',
      values: { temperature: 22, humidity: 45 },
      severityLevel: 2,
    });
  });

  it('caps the number of stations and counts the readings it had to drop', () => {
    const state = new LiveSensorState({ maxStations: 2, staleAfterMs: 60_000 });
    expect(state.update(message('s1', 0, 20), 0, T0)).toBe(true);
    expect(state.update(message('s2', 0, 20), 1, T0)).toBe(true);
    expect(state.update(message('s3', 0, 20), 2, T0)).toBe(false);
    expect(state.update(message('s1', 1000, 21), 0, T0)).toBe(true);
    expect(state.size).toBe(2);
  });

  it('forgets stations that stopped reporting, and only those', () => {
    const state = new LiveSensorState({ maxStations: 10, staleAfterMs: 60_000 });
    state.update(message('quiet', 0, 20), 0, T0);
    state.update(message('busy', 0, 20), 0, T0);
    state.update(message('busy', 50_000, 20), 0, T0 + 50_000);
    expect(state.expire(T0 + 60_000)).toBe(0);
    expect(state.expire(T0 + 60_001)).toBe(1);
    expect([...state.all()].map((s) => s.stationId)).toEqual(['busy']);
  });

  it('releases the stations of partitions another replica now owns', () => {
    const state = new LiveSensorState({ maxStations: 10, staleAfterMs: 60_000 });
    state.update(message('a', 0, 20), 0, T0);
    state.update(message('b', 0, 20), 1, T0);
    state.update(message('c', 0, 20), 2, T0);
    expect(state.retainPartitions(new Set([0, 2]))).toBe(1);
    expect([...state.all()].map((s) => s.stationId).sort()).toEqual(['a', 'c']);
  });
});

describe('parseScoredMessage', () => {
  it('reads a scored message and rejects anything else with a reason, without throwing', () => {
    const valid = { ...message('s1', 0, 20), seq: 3, detectorVersion: 'v' };
    const parsed = parseScoredMessage(Buffer.from(JSON.stringify(valid)));
    expect(parsed.ok && parsed.message.stationId).toBe('s1');
    expect(parseScoredMessage(Buffer.from('{nope'))).toMatchObject({ ok: false, reason: /^not JSON/ });
    expect(parseScoredMessage(Buffer.from('{"stationId": 1}'))).toMatchObject({
      ok: false,
      reason: /^stationId: /,
    });
    expect(parseScoredMessage(null)).toEqual({ ok: false, reason: 'empty message' });
  });

  it('reads a version 1 message (the whole reading and verdict) as well, so a topic mid-upgrade is read alike', () => {
    const v1 = {
      readingId: 's1:3',
      ...message('s1', 0, 20, 'warning'),
      seq: 3,
      label: { kind: 'spike', sensors: ['temperature'] },
      verdict: {
        ...message('s1', 0, 20, 'warning').verdict,
        explanation: '[stats] temperature at 20',
        sensors: ['temperature'],
        findings: [
          { model: 'stats', kind: 'level', sensors: ['temperature'], score: 3.2, severity: 'warning' },
        ],
      },
      detectorVersion: 'v',
      modelVersion: null,
      scoredAt: '2026-11-23T12:00:01.000Z',
    };
    const parsed = parseScoredMessage(Buffer.from(JSON.stringify(v1)));
    expect(parsed).toMatchObject({
      ok: true,
      message: { stationId: 's1', seq: 3, verdict: { severity: 'warning' } },
    });
    expect(parsed.ok && parsed.message.v).toBeUndefined();
  });

  it('rejects a score that is not finite, which JSON carries as null, naming the field', () => {
    const infinite = {
      ...message('s1', 0, 20),
      verdict: { ...message('s1', 0, 20).verdict, score: Infinity },
    };
    expect(JSON.stringify(infinite)).toContain('"score":null');
    expect(parseScoredMessage(Buffer.from(JSON.stringify(infinite)))).toMatchObject({
      ok: false,
      reason: /^verdict\.score: /,
    });
  });
});
