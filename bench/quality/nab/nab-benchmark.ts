import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScoringCoreOptions } from '../../../scoring/scoring-core.js';
import { type NabSeries, readResultScores } from './nab-data.js';
import { scoreNabSeries } from './nab-detector.js';
import {
  NAB_PROFILES,
  optimiseThreshold,
  probationPeriod,
  type ScoredFile,
  scoreFile,
} from './nab-scorer.js';

export interface NabResult {
  /** Normalised corpus score per NAB profile (standard, reward_low_FP_rate, reward_low_FN_rate). */
  readonly byProfile: Record<string, number>;
  readonly threshold: number;
  /** Each series' raw score at the standard profile's corpus threshold. */
  readonly bySeries: Record<string, number>;
}

function asScoredFiles(corpus: readonly NabSeries[], scores: readonly (readonly number[])[]): ScoredFile[] {
  return corpus.map((series, i) => ({
    name: series.name,
    scores: scores[i] as number[],
    windows: series.windows,
    probation: probationPeriod(series.values.length),
  }));
}

function evaluate(files: readonly ScoredFile[]): NabResult {
  const byProfile: Record<string, number> = {};
  let threshold = 1.1;
  const bySeries: Record<string, number> = {};
  for (const [profile, cost] of Object.entries(NAB_PROFILES)) {
    const best = optimiseThreshold(files, cost);
    byProfile[profile] = best.normalised;
    if (profile === 'standard') {
      threshold = best.threshold;
      for (const file of files) bySeries[path.basename(file.name)] = scoreFile(file, best.threshold, cost);
    }
  }
  return { byProfile, threshold, bySeries };
}

/** Scores the detector on a NAB corpus, each series streamed row by row. */
export function runNab(
  corpus: readonly NabSeries[],
  core?: ScoringCoreOptions,
): { result: NabResult; scores: number[][] } {
  const scores = corpus.map((series) => scoreNabSeries(series, core));
  return { result: evaluate(asScoredFiles(corpus, scores)), scores };
}

/**
 * The published detectors whose per-row outputs are in `referenceDir` for every series of the corpus,
 * scored the same way (threshold re-optimised on this corpus): the baselines printed next to ours.
 */
export function nabBaselines(corpus: readonly NabSeries[], referenceDir: string): Record<string, NabResult> {
  const baselines: Record<string, NabResult> = {};
  if (!existsSync(referenceDir)) return baselines;
  for (const detector of readdirSync(referenceDir).sort()) {
    const files = corpus.map((series) => {
      const [category, file] = series.name.split('/') as [string, string];
      return path.join(referenceDir, detector, category, `${detector}_${file}`);
    });
    if (!files.every((file) => existsSync(file))) continue;
    baselines[detector] = evaluate(asScoredFiles(corpus, files.map(readResultScores)));
  }
  return baselines;
}

/** Writes NAB's results layout: DIR/sensorwatch/<category>/sensorwatch_<file>.csv. */
export function writeNabResults(
  outDir: string,
  corpus: readonly NabSeries[],
  scores: readonly (readonly number[])[],
): void {
  corpus.forEach((series, i) => {
    const [category, file] = series.name.split('/') as [string, string];
    const dir = path.join(outDir, 'sensorwatch', category);
    mkdirSync(dir, { recursive: true });
    const inWindow = (row: number) => series.windows.some(([start, end]) => row >= start && row <= end);
    const lines = ['timestamp,value,anomaly_score,label'];
    series.values.forEach((value, row) => {
      lines.push(
        `${series.timestamps[row]},${value},${(scores[i] as number[])[row]},${inWindow(row) ? 1 : 0}`,
      );
    });
    writeFileSync(path.join(dir, `sensorwatch_${file}`), `${lines.join('\n')}\n`);
  });
}
