import type { ProfileSpec } from '../../../common/reading/profiles.js';
import { createScoringCore, type ScoringCoreOptions, type Verdict } from '../../../scoring/scoring-core.js';
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
      noise: 1,
    },
  },
  rules: [],
};

/** Rows over which an alarm's onset is judged: the statistics' window, the time a shift takes to be learnt. */
const ONSET_ROWS = 300;
/** Weight of the score itself next to its rise, so a lasting but growing anomaly still scores. */
const LEVEL_WEIGHT = 0.1;
/**
 * One alarm per onset: after an output at alarm level (0.15, where NAB's standard threshold settles for
 * this detector), the next rows raise none, however the score moves while the episode goes on. NAB
 * charges each of them outside a window, as an operator would count repeated pages for one incident.
 * 30 rows: two and a half hours of NAB's usual five-minute rows, a tenth of the onset window.
 */
const ALARM_OUTPUT = 0.15;
const ALARM_HOLD_ROWS = 30;

/**
 * Runs the detector's scoring core over a NAB series, row by row (each row's score is computed before the
 * row is learnt, from the rows before it only), and turns the verdicts into NAB's anomaly scores.
 *
 * NAB rewards the first detection in a window and charges every later one outside it, as an operator
 * wants one alarm when an episode starts, not one per reading while the level is off. So a row's score is
 * its rise above the highest verdict score of the previous ONSET_ROWS rows, plus a tenth of the score
 * itself, mapped to [0, 1) as s / (s + warning z); after an output at alarm level, the next rows are held
 * at 0 (one alarm per onset). Only the benchmark's output is shaped this way; the detector's verdicts
 * are the core's.
 */
export function scoreNabSeries(series: NabSeries, options: ScoringCoreOptions = {}): number[] {
  const core = createScoringCore(options);
  const warningZ = options.thresholds?.warningZ ?? 3;
  const onset = onsetScorer(ONSET_ROWS, LEVEL_WEIGHT);
  const hold = alarmHold(ALARM_OUTPUT, ALARM_HOLD_ROWS);
  const scores: number[] = [];
  const clock = readingTimes(series.timestamps);
  series.values.forEach((value, i) => {
    let verdict: Verdict;
    try {
      verdict = core.score({
        stationId: series.name,
        profile: 'nab',
        profileSpec: NAB_PROFILE,
        ts: clock[i] as number,
        values: { value },
      });
    } catch (error) {
      // The core names the series and the reading's time; the row is what NAB's files are read by.
      throw new Error(`${series.name} row ${i} (line ${i + 2}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    const shaped = onset(verdict.score);
    scores.push(hold(shaped / (shaped + warningZ)));
  });
  return scores;
}

/**
 * The times readings are judged at: the file's own timestamps (UTC) when they never step back, so models
 * that know the hour of the week can use them; otherwise the row number in minutes, because row order is
 * the truth in NAB and a few files repeat or reorder timestamps.
 */
export function readingTimes(timestamps: readonly string[]): number[] {
  const parsed = timestamps.map((ts) => Date.parse(`${ts.trim().replace(' ', 'T')}Z`));
  const ordered = parsed.every((t, i) => Number.isFinite(t) && (i === 0 || t >= (parsed[i - 1] as number)));
  if (ordered) return parsed;
  const origin = Date.parse('2000-01-01T00:00:00Z');
  return parsed.map((_, i) => origin + i * 60_000);
}

/**
 * max(0, s − max of the previous `rows` scores) + levelWeight · s, streaming: a monotonic deque keeps the
 * window's maximum in O(1) amortised per row.
 */
export function onsetScorer(rows: number, levelWeight: number): (score: number) => number {
  const window: { index: number; score: number }[] = [];
  let index = 0;
  return (score) => {
    while (window.length > 0 && (window[0] as { index: number }).index < index - rows) window.shift();
    const previousMax = window.length > 0 ? (window[0] as { score: number }).score : 0;
    while (window.length > 0 && (window[window.length - 1] as { score: number }).score <= score) window.pop();
    window.push({ index, score });
    index += 1;
    return Math.max(0, score - previousMax) + levelWeight * score;
  };
}

/** Outputs of `alarmAt` or more start a hold: the `rows` outputs after one are 0. */
export function alarmHold(alarmAt: number, rows: number): (output: number) => number {
  let held = 0;
  return (output) => {
    if (held > 0) {
      held -= 1;
      return 0;
    }
    if (output >= alarmAt) held = rows;
    return output;
  };
}
