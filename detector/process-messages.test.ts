import { describe, expect, it } from 'vitest';
import { encodeReading, type Reading } from '../common/reading/reading.js';
import { parseScoredMessage } from '../scoring/scored-message.js';
import { encodeScored, explain } from '../scoring/scored-reading.js';
import { createScoringCore, ScoringCore, type Verdict } from '../scoring/scoring-core.js';
import { qualityOutcome } from './detector.js';
import { processMessages, type RawMessage } from './process-messages.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

function reading(seq: number, temperature: number): Reading {
  // Humidity and noise move a little, as real sensors do (a value repeated exactly looks stuck).
  return {
    readingId: `factory-x-s001:${seq}`,
    stationId: 'factory-x-s001',
    profile: 'factory',
    ts: new Date(NOW - 100_000 + seq * 1000).toISOString(),
    seq,
    values: { temperature, humidity: 45 + (seq % 3) * 0.1, noise_level: 68 + (seq % 4) * 0.1 },
    label: null,
  };
}

const message = (value: Buffer | null, offset: number): RawMessage => ({
  key: Buffer.from('factory-x-s001'),
  value,
  partition: 3,
  offset: String(offset),
});

describe('processMessages', () => {
  it('scores valid readings in order and sets malformed ones aside with their origin and reason', () => {
    const scorer = createScoringCore({ stats: { warmUp: 5, window: 50 } });
    const messages = [
      ...Array.from({ length: 20 }, (_, i) =>
        message(encodeReading(reading(i, 22 + (i % 2 ? 0.5 : -0.5))), i),
      ),
      message(Buffer.from('{oops'), 20),
      message(encodeReading(reading(21, 40)), 21),
      message(null, 22),
    ];
    const { scored, rejected } = processMessages(messages, scorer, 'v-test', NOW);

    expect(scored).toHaveLength(21);
    expect(scored.every((s) => s.detectorVersion === 'v-test')).toBe(true);
    expect(scored.slice(0, 5).every((s) => s.verdict.warmingUp)).toBe(true);
    expect(scored.slice(5, 20).every((s) => !s.verdict.isAnomaly)).toBe(true);
    const spike = scored[20];
    expect(spike?.reading.seq).toBe(21);
    expect(spike?.verdict).toMatchObject({ isAnomaly: true, severity: 'critical' });
    expect(spike?.verdict.findings[0]).toMatchObject({ model: 'stats', sensors: ['temperature'] });
    expect(spike?.explanation).toMatch(/^\[stats\] temperature (at|jumped to) 40, z=\+/);

    expect(rejected.map((r) => [r.offset, r.partition, r.code])).toEqual([
      ['20', 3, 'not_json'],
      ['22', 3, 'schema'],
    ]);
    expect(rejected[0]?.value?.toString()).toBe('{oops');
  });

  it('when a model scores a reading as not finite, then the reading is set aside whole with the reason and the rest are scored', () => {
    const core = createScoringCore({ stats: { warmUp: 5, window: 50 } });
    // A scorer whose models break on one temperature: the reading must not be stored with a NaN verdict.
    const scorer = {
      modelVersionOf: () => undefined,
      score: (observation: Parameters<typeof core.score>[0]) =>
        observation.values.temperature === 99
          ? new ScoringCore([
              {
                name: 'broken',
                score: () => [
                  {
                    model: 'broken',
                    kind: 'level',
                    sensors: ['temperature'],
                    score: Number.NaN,
                    severity: 'none',
                    facts: {},
                  },
                ],
                learn: () => {},
                explain: () => '',
                warmingUp: () => false,
              },
            ]).score(observation)
          : core.score(observation),
    };
    const messages = [0, 1, 2].map((i) => message(encodeReading(reading(i, i === 1 ? 99 : 22)), i));
    const { scored, rejected } = processMessages(messages, scorer, 'v-test', NOW);
    expect(scored.map((s) => s.reading.seq)).toEqual([0, 2]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ offset: '1', partition: 3, code: 'not_scorable' });
    expect(rejected[0]?.reason).toContain(
      "station factory-x-s001 at 2026-11-23T11:58:21.000Z: the broken model's score",
    );
    expect(rejected[0]?.value).toEqual(messages[1]?.value);
  });
});

describe('explain and encodeScored', () => {
  const verdict: Verdict = {
    isAnomaly: true,
    severity: 'critical',
    score: 6.2345,
    warmingUp: false,
    findings: [
      {
        model: 'stats',
        kind: 'level',
        sensors: ['temperature'],
        score: 6.2345,
        severity: 'critical',
        facts: { z: 6.2345 },
        explanation: 'temperature at 31, z=+6.23 (mean 22.100, σ 1.427)',
      },
      {
        model: 'kmeans',
        kind: 'cluster',
        sensors: ['temperature', 'humidity'],
        score: 3.5,
        severity: 'warning',
        facts: {},
        explanation: 'K-means distance 4.10 from centroid 2 (threshold 3.50); mostly temperature, humidity',
      },
    ],
    zScores: { temperature: 6.2345, humidity: -0.51234 },
  };

  it('gives every model’s finding, worst first, and publishes the verdict with the reading', () => {
    expect(explain(verdict)).toBe(
      '[stats] temperature at 31, z=+6.23 (mean 22.100, σ 1.427); [kmeans] K-means distance 4.10 from centroid 2 (threshold 3.50); mostly temperature, humidity',
    );
    const decoded = JSON.parse(
      encodeScored({
        reading: reading(1, 31),
        verdict,
        explanation: explain(verdict),
        detectorVersion: 'v1',
      }).toString(),
    );
    // Version 2: what the scored topic's readers use; findings and versions are the stored row's.
    expect(decoded).toEqual({
      v: 2,
      stationId: 'factory-x-s001',
      profile: 'factory',
      ts: reading(1, 31).ts,
      seq: 1,
      values: reading(1, 31).values,
      verdict: {
        isAnomaly: true,
        severity: 'critical',
        score: 6.235,
        zScores: { temperature: 6.235, humidity: -0.512 },
        sensors: ['temperature', 'humidity'],
        explanation: explain(verdict),
      },
    });
  });

  it('publishes a normal reading without an explanation, in a message the exporter reads', () => {
    const normal: Verdict = {
      isAnomaly: false,
      severity: 'none',
      score: 1.23456,
      warmingUp: false,
      findings: [],
      zScores: { temperature: 1.23456, humidity: 0 },
    };
    const encoded = encodeScored({
      reading: reading(2, 22),
      verdict: normal,
      explanation: explain(normal),
      detectorVersion: 'v1',
    });
    expect(JSON.parse(encoded.toString()).verdict).toEqual({
      isAnomaly: false,
      severity: 'none',
      score: 1.235,
      zScores: { temperature: 1.235, humidity: 0 },
    });
    expect(parseScoredMessage(encoded)).toMatchObject({
      ok: true,
      message: { v: 2, stationId: 'factory-x-s001', seq: 2, verdict: { severity: 'none' } },
    });
  });

  it('says why a normal reading is normal and when the detector is still warming up', () => {
    const base = { isAnomaly: false, severity: 'none' as const, findings: [], zScores: {} };
    expect(explain({ ...base, score: 1.234, warmingUp: false })).toBe('normal: highest score 1.23');
    expect(explain({ ...base, score: 0, warmingUp: true })).toBe('warming up: not enough history to judge');
  });
});

describe('qualityOutcome', () => {
  it.each([
    ['spike', true, 'true_positive'],
    ['spike', false, 'false_negative'],
    [undefined, true, 'false_positive'],
    [undefined, false, undefined],
  ] as const)('label %s, flagged %s → %s', (label, flagged, outcome) => {
    expect(qualityOutcome(label, flagged)).toBe(outcome);
  });
});
