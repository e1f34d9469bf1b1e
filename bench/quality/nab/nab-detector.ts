import type { ProfileSpec } from '../../../common/reading/profiles.js';
import { createScoringCore, type ScoringCoreOptions } from '../../../detector/scoring/scoring-core.js';
import type { NabSeries } from './nab-data.js';

/** A NAB series is one station with one sensor whose scale nobody told us: the profile says nothing more. */
const NAB_PROFILE: ProfileSpec = {
  description: 'A Numenta Anomaly Benchmark series',
  sensors: {
    value: {
      unit: '',
      mean: 0,
      stdDev: Number.MIN_VALUE,
      validRange: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      walk: { reversionPerHour: 1, momentum: 0 },
      driftPerDay: 0,
      intermittent: false,
    },
  },
  rules: [],
};

/**
 * Runs the detector's scoring core over a NAB series, row by row (each row's score is computed before the
 * row is learnt, from the rows before it only), and maps the verdict's score (σ equivalents, unbounded) to
 * NAB's [0, 1]: score / (score + warning z), so the detector's own warning threshold lands at 0.5.
 */
export function scoreNabSeries(series: NabSeries, options: ScoringCoreOptions = {}): number[] {
  const core = createScoringCore(options);
  const warningZ = options.thresholds?.warningZ ?? 3;
  const scores: number[] = [];
  const origin = Date.parse('2000-01-01T00:00:00Z');
  series.values.forEach((value, i) => {
    const verdict = core.score({
      stationId: series.name,
      profile: 'nab',
      profileSpec: NAB_PROFILE,
      // Row order is the truth in NAB (timestamps repeat and step back): time is the row number, in minutes.
      ts: origin + i * 60_000,
      values: { value },
    });
    scores.push(verdict.score / (verdict.score + warningZ));
  });
  return scores;
}
