// scratch analysis (not committed)

import { createScoringCore } from '../../../scoring/scoring-core.js';
import { loadNabCorpus } from './nab-data.js';
import { onsetScorer, readingTimes } from './nab-detector.js';
import { probationPeriod } from './nab-scorer.js';

const NAB_PROFILE: any = {
  description: '',
  sensors: {
    value: {
      unit: '',
      mean: 0,
      stdDev: Number.MIN_VALUE,
      validRange: [-Infinity, Infinity],
      walk: { reversionPerHour: 1, momentum: 0 },
      driftPerDay: 0,
      intermittent: false,
    },
  },
  rules: [],
};
const thr = Number(process.argv[2] ?? 0.38);
const only = process.argv[3];
const corpus = loadNabCorpus('bench/nab/data', 'bench/nab/labels/combined_windows.json');
for (const s of corpus) {
  if (only && !s.name.includes(only)) continue;
  const core = createScoringCore(JSON.parse(process.env.OPTS ?? '{"without":["kmeans","isolation_forest"]}'));
  const onset = onsetScorer(300, 0.2);
  const clock = readingTimes(s.timestamps);
  const prob = probationPeriod(s.values.length);
  const out: string[] = [];
  const detected = new Set<number>();
  s.values.forEach((value, i) => {
    const v = core.score({
      stationId: s.name,
      profile: 'nab',
      profileSpec: NAB_PROFILE,
      ts: clock[i]!,
      values: { value },
    });
    const sh = onset(v.score);
    const sc = sh / (sh + 3);
    if (sc >= thr && i >= prob) {
      const w = s.windows.findIndex(([a, b]) => i >= a && i <= b);
      if (w >= 0 && detected.has(w)) return;
      if (w >= 0) detected.add(w);
      const f = v.findings[0];
      out.push(
        `${w >= 0 ? 'TP' + w : 'FP'} row ${i} v=${value} score ${v.score.toFixed(2)} ${f ? f.model + '/' + f.kind + ' ' + f.explanation : ''}`,
      );
    }
  });
  console.log(
    `== ${s.name} windows ${JSON.stringify(s.windows)} detected ${detected.size}/${s.windows.length}`,
  );
  for (const l of out.slice(0, 12)) console.log('  ' + l);
  if (out.length > 12) console.log(`  … ${out.length - 12} more`);
}
