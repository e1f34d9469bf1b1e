import { describe, expect, it } from 'vitest';
import type { ProfileSpec } from '../common/reading/profiles.js';
import { adversarialSeries, drawSeries } from './adversarial-series.js';
import { createScoringCore } from './scoring-core.js';

/** A sensor nobody described: no nominal spread, no range, no hint. Only what it reports counts. */
const UNKNOWN_SENSOR = {
  unit: '',
  mean: 0,
  stdDev: Number.MIN_VALUE,
  validRange: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as [number, number],
  walk: { reversionPerHour: 1, momentum: 0 },
  driftPerDay: 0,
  intermittent: false,
  noise: 1,
};
/** Two such sensors of the same shape, so the multi-sensor models train and judge too. */
const UNKNOWN: ProfileSpec = {
  description: 'an imported station',
  sensors: { a: UNKNOWN_SENSOR, b: UNKNOWN_SENSOR },
  rules: [],
};

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const LENGTH = 6_000;
/** Readings the models learn before alarms count: the statistics' window and the multi-sensor models' training. */
const PROBATION = 600;
const SEEDS = [1, 2, 3];
/**
 * 12 000 readings through every model, K-means trainings included: about a second alone, several when the
 * unit files run side by side on a loaded machine. Not a speed check (bench:quality measures speed).
 */
const SERIES_TIMEOUT_MS = 60_000;
/** Unflagged readings that end an alarm. */
const QUIET = 10;

/**
 * Alarms after probation, as an operator meets them: a flagged reading opens one unless another was flagged
 * within the last QUIET readings (readings that flicker across the threshold are one alarm), and every
 * number every model
 * gave: the properties every shape of sensor must have.
 */
function judge(a: readonly number[], b: readonly number[]) {
  // The detector's own settings: K-means and the Isolation Forest train after 1 000 normal readings.
  const core = createScoringCore();
  const numbers: number[] = [];
  let onsets = 0;
  let lastFlag = Number.NEGATIVE_INFINITY;
  const firstAlarms: string[] = [];
  a.forEach((value, i) => {
    const verdict = core.score({
      stationId: 's',
      profile: 'imported',
      profileSpec: UNKNOWN,
      ts: ORIGIN + i * 60_000,
      values: { a: value, b: b[i] as number },
    });
    numbers.push(verdict.score, ...Object.values(verdict.zScores));
    for (const finding of verdict.findings) numbers.push(finding.score, ...numericFacts(finding.facts));
    if (verdict.isAnomaly && i - lastFlag > QUIET && i >= PROBATION) {
      onsets += 1;
      if (firstAlarms.length < 3) firstAlarms.push(`row ${i}: ${verdict.findings[0]?.explanation}`);
    }
    if (verdict.isAnomaly) lastFlag = i;
  });
  return { numbers, onsets, firstAlarms, modelsJudging: core.profilesWithModels().length };
}

function numericFacts(facts: Readonly<Record<string, number | string>>): number[] {
  return Object.values(facts).filter((v): v is number => typeof v === 'number');
}

describe('every model on every shape of sensor', () => {
  for (const series of adversarialSeries()) {
    describe(series.name, () => {
      it.each(SEEDS)(
        'with seed %i, every score, z and figure is finite and alarms are rare',
        (seed) => {
          const { numbers, onsets, firstAlarms, modelsJudging } = judge(
            drawSeries(series, seed, LENGTH),
            drawSeries(series, seed + 1000, LENGTH),
          );
          expect(numbers.filter((n) => !Number.isFinite(n))).toEqual([]);
          // The multi-sensor models were trained on the series and judged it too.
          expect(modelsJudging).toBe(1);
          // At most one alarm onset per 10 000 readings of each sensor, plus one per sensor for a genuine change.
          const allowed = 2 * (Math.floor((LENGTH - PROBATION) / 10_000) + 1 + (series.changesAt ? 1 : 0));
          expect(onsets, `first alarms: ${firstAlarms.join('; ')}`).toBeLessThanOrEqual(allowed);
        },
        SERIES_TIMEOUT_MS,
      );
    });
  }
});
