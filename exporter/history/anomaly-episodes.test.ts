import { describe, expect, it } from 'vitest';
import type { StoredAnomaly } from '../../storage/anomaly.repository.js';
import { anomalyEpisodes } from './anomaly-episodes.js';

const T0 = Date.parse('2026-01-07T10:00:00Z');

function anomaly(stationId: string, second: number, score: number, severity = 'warning'): StoredAnomaly {
  return {
    stationId,
    profile: 'factory',
    ts: new Date(T0 + second * 1000).toISOString(),
    seq: second,
    readingId: `${stationId}:${second}`,
    severity,
    score,
    values: {},
    explanation: `${stationId} at ${second}s, score ${score}`,
    injectedAnomaly: null,
    detectorVersion: 'test',
    modelVersion: `model-${second}`,
  };
}

describe('anomaly episodes', () => {
  it('groups a station’s anomalies no further apart than the gap, newest episode first', () => {
    const rows = [
      anomaly('a', 0, 3),
      anomaly('a', 30, 6, 'critical'),
      anomaly('a', 60, 4),
      // 241 s later: past a 120 s gap, a new episode.
      anomaly('a', 301, 3.5),
    ];
    const episodes = anomalyEpisodes(rows.reverse(), 120_000);
    expect(episodes).toEqual([
      {
        stationId: 'a',
        profile: 'factory',
        start: rows[0]?.ts,
        end: rows[0]?.ts,
        severity: 'warning',
        peakScore: 3.5,
        explanation: 'a at 301s, score 3.5',
        modelVersion: 'model-301',
        readings: 1,
        title: 'a: warning for 0 s (1 readings)',
      },
      {
        stationId: 'a',
        profile: 'factory',
        start: new Date(T0).toISOString(),
        end: new Date(T0 + 60_000).toISOString(),
        // The worst severity, and the explanation of the highest score.
        severity: 'critical',
        peakScore: 6,
        explanation: 'a at 30s, score 6',
        modelVersion: 'model-30',
        readings: 3,
        title: 'a: critical for 60 s (3 readings)',
      },
    ]);
  });

  it('keeps stations apart even when their anomalies interleave', () => {
    const rows = [anomaly('a', 0, 3), anomaly('b', 10, 3), anomaly('a', 20, 3), anomaly('b', 30, 3)];
    const episodes = anomalyEpisodes(rows, 60_000);
    expect(episodes.map((e) => [e.stationId, e.readings, e.start])).toEqual([
      ['b', 2, new Date(T0 + 10_000).toISOString()],
      ['a', 2, new Date(T0).toISOString()],
    ]);
  });

  it('makes an anomaly exactly a gap after the last one part of the same episode, and none of nothing', () => {
    expect(anomalyEpisodes([anomaly('a', 0, 3), anomaly('a', 120, 3)], 120_000)).toHaveLength(1);
    expect(anomalyEpisodes([anomaly('a', 0, 3), anomaly('a', 121, 3)], 120_000)).toHaveLength(2);
    expect(anomalyEpisodes([], 120_000)).toEqual([]);
  });
});
