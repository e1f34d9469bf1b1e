import { describe, expect, it } from 'vitest';
import { NonFiniteNumberError } from '../common/numbers/finite.js';
import { profileOf } from '../common/reading/profiles.js';
import { SimulatedStation } from '../simulation/station.js';
import type { AnomalyModel, Observation } from './model.js';
import { createScoringCore, ScoringCore } from './scoring-core.js';

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');

/** A small factory fleet, one reading a minute, no injected faults: the models' idea of normal. */
function normalFleet(readings: number) {
  const stations = Array.from(
    { length: 5 },
    (_, i) =>
      new SimulatedStation({
        stationId: `factory-core-s${i}`,
        profile: 'factory',
        anomalyRate: 0,
        originTs: ORIGIN,
      }),
  );
  const observations: Observation[] = [];
  for (let t = 0; t < readings; t++) {
    for (const station of stations) {
      const r = station.readingAt(ORIGIN + t * 60_000);
      observations.push({
        stationId: r.stationId,
        profile: 'factory',
        profileSpec: profileOf('factory'),
        ts: ORIGIN + t * 60_000,
        values: r.values,
      });
    }
  }
  return observations;
}

describe('ScoringCore', () => {
  // Short windows so the multi-sensor models train within the test.
  const trained: string[] = [];
  const core = createScoringCore({
    multiSensor: { minTraining: 300, window: 600, windowSpanMs: 600 * 60_000, retrainEvery: 0 },
    onTrained: (bundle) => trained.push(`${bundle.profile}:${bundle.trigger}`),
  });
  const history = normalFleet(400).map((o) => core.score(o));

  it('trains K-means and the Isolation Forest on the residuals of readings it judged normal', () => {
    expect(core.kmeans.paramsOf('factory')?.features).toEqual(['temperature', 'humidity', 'noise_level']);
    expect(core.isolationForest.paramsOf('factory')).toBeDefined();
    // Trained once, when the window first held enough normal readings, and announced.
    expect(trained).toEqual(['factory:bootstrap']);
    expect(core.modelVersionOf('factory')).toMatch(/^factory-\d{14}-[0-9a-f]{4}$/);
    expect(core.isPinned('factory')).toBe(false);
    // Normal data: a few chance flags at most.
    const flagged = history.slice(-500).filter((v) => v.isAnomaly).length;
    expect(flagged).toBeLessThan(10);
  });

  it('combines the models: a correlated fault is found by several, each with its own explanation', () => {
    const station = 'factory-core-s0';
    const last = history.length;
    const verdict = core.score({
      stationId: station,
      profile: 'factory',
      profileSpec: profileOf('factory'),
      ts: ORIGIN + last * 60_000,
      values: { temperature: 22 + 5 * 1.5 + 2, humidity: 45 + 5 * 4, noise_level: 68 },
    });
    expect(verdict.isAnomaly).toBe(true);
    const models = new Set(verdict.findings.map((f) => f.model));
    expect(models.has('stats')).toBe(true);
    expect(models.has('kmeans') || models.has('isolation_forest')).toBe(true);
    expect(verdict.findings.every((f) => f.explanation.length > 0)).toBe(true);
    expect(verdict.score).toBe(Math.max(...verdict.findings.map((f) => f.score)));
    expect(Object.keys(verdict.zScores).sort()).toEqual(['humidity', 'noise_level', 'temperature']);
  });

  it('reports a threshold rule as a finding of its own', () => {
    const verdicts = [0, 1, 2].map((i) =>
      core.score({
        stationId: 'factory-core-s1',
        profile: 'factory',
        profileSpec: profileOf('factory'),
        ts: ORIGIN + (1000 + i) * 60_000,
        values: { temperature: 45, humidity: 45, noise_level: 68 },
      }),
    );
    const rules = verdicts[2]?.findings.filter((f) => f.model === 'rules').map((f) => f.facts.message);
    expect(rules).toEqual(expect.arrayContaining(['Machine overheating']));
  });

  it('adopts a version from elsewhere (the registry), pinned, and judges with it from the next reading', () => {
    const bundle = core.trainFromWindow(
      'factory',
      ['temperature', 'humidity', 'noise_level'],
      'manual',
      ORIGIN,
    );
    const other = { ...bundle, version: 'factory-20260101000000-beef' };
    core.adopt(other, { pinned: true });
    expect(core.modelVersionOf('factory')).toBe('factory-20260101000000-beef');
    expect(core.isPinned('factory')).toBe(true);
    expect(core.kmeans.versionOf('factory')).toBe('factory-20260101000000-beef');
    expect(core.isolationForest.versionOf('factory')).toBe('factory-20260101000000-beef');
  });

  it('leaves out the models it is told to, but always keeps the statistics the others build on', () => {
    const statsOnly = createScoringCore({
      without: ['stats', 'kmeans', 'isolation_forest', 'rules', 'seasonal'],
    });
    expect(statsOnly.models.map((m) => m.name)).toEqual(['stats']);
    expect(createScoringCore({}).models.map((m) => m.name)).toEqual([
      'stats',
      'kmeans',
      'isolation_forest',
      'rules',
      'seasonal',
      'seasonal',
    ]);
  });
});

describe('ScoringCore with a model that gives a score that is not finite', () => {
  /** A model that finds `score` for the temperature and counts what it learns. */
  const modelScoring = (score: number, z: number) => {
    const learnt: number[] = [];
    const model: AnomalyModel = {
      name: 'broken',
      score: () => [
        {
          model: 'broken',
          kind: 'level',
          sensors: ['temperature'],
          score,
          severity: 'critical',
          facts: { z },
        },
      ],
      learn: (observation) => learnt.push(observation.ts),
      explain: () => 'broken',
      warmingUp: () => false,
    };
    return { model, learnt };
  };
  const observation: Observation = {
    stationId: 'factory-flat-s1',
    profile: 'factory',
    profileSpec: profileOf('factory'),
    ts: ORIGIN,
    values: { temperature: 22, humidity: 45, noise_level: 68 },
  };

  it.each([
    [Number.POSITIVE_INFINITY, 1, 'score', 'Infinity'],
    [Number.NaN, 1, 'score', 'NaN'],
    [4, Number.NEGATIVE_INFINITY, 'z', '-Infinity'],
  ])(
    'when a finding scores %s (z %s), then it throws naming the station, time, model and sensor, and nothing is learnt',
    (score, z, what, shown) => {
      const { model, learnt } = modelScoring(score, z);
      const core = new ScoringCore([model]);
      expect(() => core.score(observation)).toThrow(
        `station factory-flat-s1 at 2026-01-05T00:00:00.000Z: the broken model's ${what} for temperature: expected a finite number, got ${shown}`,
      );
      expect(() => core.score(observation)).toThrow(NonFiniteNumberError);
      expect(learnt).toEqual([]);
    },
  );

  it('when every score is finite, then the verdict carries it and the model learns', () => {
    const { model, learnt } = modelScoring(6, 6);
    const verdict = new ScoringCore([model]).score(observation);
    expect(verdict).toMatchObject({ isAnomaly: true, severity: 'critical', score: 6 });
    expect(learnt).toEqual([ORIGIN]);
  });
});
