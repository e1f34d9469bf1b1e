import { describe, expect, it } from 'vitest';
import type { Reading } from '../common/reading/reading.js';
import type { ScoredReading } from '../scoring/scored-reading.js';
import { WarningTracker } from './warning-tracker.js';

function scored(ts: number, aqi: number | null, ruleSince?: number): ScoredReading {
  const reading = {
    readingId: `env-1:${ts}`,
    stationId: 'env-1',
    profile: 'environment',
    ts: new Date(ts).toISOString(),
    seq: ts,
    values: { air_quality: aqi },
    label: null,
  } as unknown as Reading;
  const findings =
    ruleSince === undefined
      ? []
      : [
          {
            model: 'rules',
            kind: 'rule',
            sensors: ['air_quality'],
            score: 3,
            severity: 'warning' as const,
            facts: {
              value: aqi as number,
              limit: 300,
              direction: 'above',
              message: 'Unhealthy air',
              since: ruleSince,
            },
            explanation: '',
          },
        ];
  return {
    reading,
    verdict: {
      isAnomaly: findings.length > 0,
      severity: findings.length > 0 ? 'warning' : 'none',
      score: 3,
      findings,
      zScores: {},
      warmingUp: false,
    },
    explanation: '',
    detectorVersion: 'test',
  };
}

describe('warning tracker', () => {
  it('when a rule starts firing, then one upsert; while it fires, refreshes only every refreshMs; when it clears, a delete', () => {
    const tracker = new WarningTracker(30_000);
    const first = tracker.plan([scored(1_000, 320, 1_000), scored(2_000, 330, 1_000)], 2_000);
    expect(first.writes).toEqual([
      expect.objectContaining({
        kind: 'upsert',
        stationId: 'env-1',
        sensor: 'air_quality',
        severity: 'warning',
        threshold: 300,
        value: 320,
        since: 1_000,
      }),
    ]);
    first.apply();
    expect(tracker.plan([scored(3_000, 340, 1_000)], 3_000).writes).toEqual([]);
    const refresh = tracker.plan([scored(40_000, 350, 1_000)], 40_000);
    expect(refresh.writes).toEqual([expect.objectContaining({ kind: 'upsert', value: 350 })]);
    refresh.apply();
    // A dropout says nothing; a value without the finding clears it.
    expect(tracker.plan([scored(41_000, null)], 41_000).writes).toEqual([]);
    const cleared = tracker.plan([scored(42_000, 250)], 42_000);
    expect(cleared.writes).toEqual([
      {
        kind: 'delete',
        profile: 'environment',
        stationId: 'env-1',
        sensor: 'air_quality',
        severity: 'warning',
      },
    ]);
    cleared.apply();
    expect(tracker.active).toBe(0);
  });

  it('when a chunk’s writes fail (not applied), then the next plan writes them again', () => {
    const tracker = new WarningTracker();
    const failed = tracker.plan([scored(1_000, 320, 1_000)], 1_000);
    expect(failed.writes).toHaveLength(1);
    expect(tracker.plan([scored(1_000, 320, 1_000)], 1_500).writes).toHaveLength(1);
  });
});
