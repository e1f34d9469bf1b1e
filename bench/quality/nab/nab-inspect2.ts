// scratch analysis (not committed)
import { loadNabCorpus } from './nab-data.js';
import { scoreNabSeries } from './nab-detector.js';
import { probationPeriod } from './nab-scorer.js';

const opts = JSON.parse(process.env.OPTS ?? '{"without":["kmeans","isolation_forest"]}');
const corpus = loadNabCorpus('bench/nab/data', 'bench/nab/labels/combined_windows.json');
for (const s of corpus) {
  if (process.argv[2] && !s.name.includes(process.argv[2])) continue;
  const sc = scoreNabSeries(s, opts);
  const prob = probationPeriod(s.values.length);
  const inW = (i: number) => s.windows.some(([a, b]) => i >= a && i <= b);
  const wins = s.windows.map(([a, b]) => {
    let m = 0,
      at = a;
    for (let i = a; i <= b; i++)
      if (sc[i]! > m) {
        m = sc[i]!;
        at = i;
      }
    return `${m.toFixed(3)}@${((at - a) / (b - a)).toFixed(2)}`;
  });
  const out = sc
    .map((v, i) => [v, i] as const)
    .filter(([, i]) => i >= prob && !inW(i))
    .sort((a, b) => b[0] - a[0])
    .slice(0, 6)
    .map(([v, i]) => `${v.toFixed(3)}@${i}`);
  console.log(s.name.split('/')[1]!.padEnd(42), 'win', wins.join(' '), '| out', out.join(' '));
}
