import { ANOMALY_KINDS } from '../common/reading/reading.js';
import { profileNames } from '../common/reading/profiles.js';
import { runSimulator } from '../bench/quality/simulator-quality.js';
import { qualityOf } from '../bench/quality/event-metrics.js';
const without = (process.env.WITHOUT ?? '').split(',').filter(Boolean) as never[];
for (const profile of profileNames()) {
  const r = runSimulator({ profile, kinds: ANOMALY_KINDS, stations: 10, readingsPerStation: 2880, intervalMs: 60000, anomalyRate: 0.005, originTs: Date.parse('2026-01-05T00:00:00Z'), seed: 'q', probation: 300, grace: 5, core: { without, stats: { ...(process.env.SW ? { window: Number(process.env.SW) } : {}), ...(process.env.LZ ? { levelZ: Number(process.env.LZ) } : {}), ...(process.env.JZ ? { jumpZ: Number(process.env.JZ) } : {}), ...(process.env.TZ_ ? { trendZ: Number(process.env.TZ_) } : {}), ...(process.env.TL ? { trendMinLevelZ: Number(process.env.TL) } : {}), ...(process.env.TW ? { trendWindow: Number(process.env.TW) } : {}) } } });
  const q = qualityOf(r.overall);
  console.log(profile, r.readings, Math.round(r.elapsedMs), 'ms', JSON.stringify({p: q.precision.toFixed(3), r: q.recall.toFixed(3), f1: q.f1.toFixed(3), ep: q.episodes, fa: q.falseAlarms}));
  console.log('   FP', JSON.stringify([...r.falseFlagSources].sort((a,b)=>b[1]-a[1]).slice(0,8)));
  if (process.env.KINDS) for (const [k, c] of r.byKind) { const qq = qualityOf(c); console.log('   ', k, qq.episodes, qq.detected, 'fa', qq.falseAlarms, 'recall', qq.recall.toFixed(2), 'd50', qq.delayP50); }
}
