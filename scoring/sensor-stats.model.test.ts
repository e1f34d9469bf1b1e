import { describe, expect, it } from 'vitest';
import { gammaDraw, poissonDraw, seededRandom } from '../common/random.js';
import { type ProfileSpec, parseProfiles } from '../common/reading/profiles.js';
import { EWMA_COUNT, EWMA_MEAN, EWMA_SLOTS, EWMA_VARIANCE, EwmaStats, learnEwmaAt } from './ewma-stats.js';
import { type Finding, type Observation, severityOf } from './model.js';
import { DEFAULT_SENSOR_STATS, SensorStatsModel } from './sensor-stats.model.js';

describe('EwmaStats', () => {
  it('starts at the first value and converges to the mean and variance of a steady stream', () => {
    const stats = new EwmaStats(0.1);
    stats.update(10);
    expect([stats.mean, stats.variance]).toEqual([10, 0]);
    for (let i = 0; i < 2_000; i++) stats.update(i % 2 === 0 ? 9 : 11);
    expect(stats.mean).toBeCloseTo(10, 0);
    expect(stats.stdDev).toBeCloseTo(1, 1);
  });

  it('is the exact running mean and variance until the window fills', () => {
    const stats = new EwmaStats(0.01);
    for (const value of [2, 4, 4, 4, 5, 5, 7, 9]) stats.update(value);
    expect(stats.mean).toBeCloseTo(5, 12);
    expect(stats.variance).toBeCloseTo(4, 12);
  });

  it('computes the exact incremental update', () => {
    const stats = new EwmaStats(0.5);
    stats.update(0);
    stats.update(4); // diff 4, mean 2, variance 0.5 * (0 + 4 * 2) = 4
    expect([stats.mean, stats.variance]).toEqual([2, 4]);
    stats.update(2); // diff 0: mean stays, variance halves
    expect([stats.mean, stats.variance]).toEqual([2, 2]);
  });

  it('is the same update when kept in an array (learnEwmaAt), to the last bit, beside other numbers', () => {
    const random = seededRandom(3);
    const stats = new EwmaStats(0.05);
    const numbers = new Float64Array(1 + EWMA_SLOTS + 1).fill(7);
    numbers.fill(0, 1, 1 + EWMA_SLOTS);
    for (let i = 0; i < 5_000; i++) {
      const value = 20 + 3 * random.gaussian() + (i > 2_500 ? 8 : 0);
      stats.update(value);
      learnEwmaAt(numbers, 1, value, 0.05);
    }
    expect([numbers[1 + EWMA_MEAN], numbers[1 + EWMA_VARIANCE], numbers[1 + EWMA_COUNT]]).toEqual([
      stats.mean,
      stats.variance,
      stats.count,
    ]);
    // Its neighbours untouched.
    expect([numbers[0], numbers[1 + EWMA_SLOTS]]).toEqual([7, 7]);
  });
});

describe('severityOf', () => {
  it.each([
    [0, 'none'],
    [2.99, 'none'],
    [3, 'warning'],
    [4.99, 'warning'],
    [5, 'critical'],
  ])('scores %d as %s', (score, severity) => {
    expect(severityOf(score, { warningZ: 3, criticalZ: 5 })).toBe(severity);
  });
});

const profileSpec = parseProfiles(
  `profiles:
  test:
    description: test
    sensors:
      t: { unit: C, mean: 20, stdDev: 1, validRange: [-100, 100] }
      h: { unit: '%', mean: 50, stdDev: 1, validRange: [0, 100] }
      rain: { unit: mm, mean: 0.3, stdDev: 0.6, validRange: [0, 100], intermittent: true }
`,
  'test',
).test as ProfileSpec;

const options = { ...DEFAULT_SENSOR_STATS, warmUp: 10, window: 50 };
const wiggle = (i: number) => 20 + (i % 2 === 0 ? -1 : 1);
let clock = 0;
const observe = (stationId: string, values: Record<string, number | null>): Observation => {
  clock += 1000;
  return { stationId, profile: 'test', profileSpec, ts: clock, values };
};

/** Scores then learns, as the scoring core does. */
function judge(model: SensorStatsModel, stationId: string, values: Record<string, number | null>) {
  const observation = observe(stationId, values);
  const findings = model.score(observation);
  const anomalous = findings.filter((f) => f.severity !== 'none');
  model.learn(observation, anomalous.length > 0);
  return { findings, anomalous, worst: [...anomalous].sort((a, b) => b.score - a.score)[0] };
}

describe('SensorStatsModel', () => {
  it('does not judge a sensor until it has warmed up', () => {
    const model = new SensorStatsModel(options);
    for (let i = 0; i < 10; i++) {
      expect(model.warmingUp(observe('s1', { t: 1 }))).toBe(true);
      expect(judge(model, 's1', { t: i === 5 ? 1_000 : wiggle(i) }).findings).toEqual([]);
    }
    expect(model.warmingUp(observe('s1', { t: 1 }))).toBe(false);
  });

  it('flags a level far from the moving mean, with its z, and keeps stations apart', () => {
    const model = new SensorStatsModel(options);
    for (let i = 0; i < 100; i++) {
      judge(model, 's1', { t: wiggle(i), h: 50 + (i % 3) });
      judge(model, 's2', { t: wiggle(i) + 100, h: 50 + (i % 3) });
    }
    expect(judge(model, 's1', { t: 21, h: 51 }).anomalous).toEqual([]);
    const spike = judge(model, 's1', { t: 25.5, h: 51 }).worst;
    expect(spike).toMatchObject({ model: 'stats', sensors: ['t'], severity: 'warning' });
    expect(Number(spike?.facts.z)).toBeGreaterThan(4);
    expect(model.explain(spike as Finding)).toMatch(/^t (at|jumped to) 25.5, z=\+\d/);
    expect(judge(model, 's1', { t: 40, h: 51 }).worst?.severity).toBe('critical');
    // s2 lives 100 units higher; 121 is normal there.
    expect(judge(model, 's2', { t: 121, h: 51 }).anomalous).toEqual([]);
    expect(model.trackedSeries).toBe(4);
  });

  it('is not blinded by a spike it has just seen: the next one is flagged as well', () => {
    const model = new SensorStatsModel(options);
    for (let i = 0; i < 100; i++) judge(model, 's1', { t: wiggle(i) });
    expect(judge(model, 's1', { t: 60 }).worst?.severity).toBe('critical');
    expect(judge(model, 's1', { t: 60 }).worst?.severity).toBe('critical');
  });

  it('learns a lasting level shift and stops flagging it', () => {
    const model = new SensorStatsModel(options);
    for (let i = 0; i < 100; i++) judge(model, 's1', { t: wiggle(i) });
    const shifted = Array.from({ length: 400 }, (_, i) => judge(model, 's1', { t: wiggle(i) + 10 }));
    expect(shifted[0]?.anomalous.length).toBeGreaterThan(0);
    expect(shifted.slice(-50).every((v) => v.anomalous.length === 0)).toBe(true);
  });

  it('reports a sensor sent without a value as missing', () => {
    const model = new SensorStatsModel(options);
    for (let i = 0; i < 20; i++) judge(model, 's1', { t: wiggle(i), h: 50 });
    const { worst } = judge(model, 's1', { t: 20, h: null });
    expect(worst).toMatchObject({ kind: 'missing', sensors: ['h'], severity: 'warning' });
    expect(model.explain(worst as Finding)).toBe('h missing (no value sent)');
  });

  it('calls a value repeated exactly a stuck sensor, but never an intermittent one at zero', () => {
    const model = new SensorStatsModel(options);
    for (let i = 0; i < 100; i++) judge(model, 's1', { t: 20 + Math.sin(i), rain: 0 });
    const run = Array.from({ length: 8 }, () => judge(model, 's1', { t: 20.5, rain: 0 }));
    const firstStuck = run.findIndex((r) => r.worst?.kind === 'stuck');
    // The first repeat of five in a row (the fifth reading of the same value).
    expect(firstStuck).toBe(options.stuckRun - 1);
    expect(model.explain(run[7]?.worst as Finding)).toBe('t stuck at 20.5 for 8 readings');
    expect(run.every((r) => r.anomalous.every((f) => f.sensors[0] !== 'rain'))).toBe(true);
  });

  it('catches a slow drift that no single step gives away', () => {
    const model = new SensorStatsModel({ ...options, window: 300 });
    for (let i = 0; i < 400; i++) judge(model, 's1', { t: wiggle(i) });
    const drift = Array.from({ length: 40 }, (_, i) => judge(model, 's1', { t: wiggle(i) + 0.25 * (i + 1) }));
    const first = drift.findIndex((r) => r.anomalous.length > 0);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(30);
  });

  it('judges a count by its rate over the last readings: a tripled rate is flagged, its own noise is not', () => {
    const model = new SensorStatsModel({ ...options, window: 300 });
    const random = seededRandom(7);
    const ordinary = Array.from({ length: 1_000 }, () => judge(model, 's1', { h: poissonDraw(5, random) }));
    expect(ordinary.slice(50).filter((r) => r.anomalous.length > 0)).toHaveLength(0);
    const tripled = Array.from({ length: 20 }, () => judge(model, 's1', { h: poissonDraw(15, random) }));
    const first = tripled.findIndex((r) => r.worst?.kind === 'rate');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(10);
    expect(model.explain(tripled[first]?.worst as Finding)).toMatch(
      /^h summed \d+ over its last 10 readings \(usually (4[5-9]|5[0-5])\.\d\)$/,
    );
    // A count's steps are its level seen twice: never a jump or a trend.
    expect(tripled.flatMap((r) => r.anomalous).some((f) => f.kind === 'jump' || f.kind === 'trend')).toBe(
      false,
    );
  });

  it('finds a heavy-tailed count lifted by a dozen, which its plain sum hides behind its bursts', () => {
    const model = new SensorStatsModel({ ...options, window: 300 });
    const random = seededRandom(11);
    // Error counts: mean 3, variance 21 (negative binomial, dispersion 0.5), an odd burst of 40.
    const errors = () => poissonDraw(gammaDraw(0.5, random) * 6, random);
    const ordinary = Array.from({ length: 3_000 }, () => judge(model, 's1', { h: errors() }));
    expect(ordinary.slice(100).filter((r) => r.anomalous.length > 0).length).toBeLessThanOrEqual(3);
    const lifted = Array.from({ length: 15 }, () => judge(model, 's1', { h: errors() + 12 }));
    const first = lifted.findIndex((r) => r.worst?.kind === 'rate');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(10);
  });

  it('calls a count stuck by how often that value repeats: frozen at 3 soon, a run of zeros only when rare', () => {
    const model = new SensorStatsModel({ ...options, window: 300, longWindow: 3_000 });
    const random = seededRandom(13);
    // Error counts: 0 on about 38 % of readings, 3 on about 8 %.
    const errors = () => poissonDraw(gammaDraw(0.5, random) * 6, random);
    const ordinary = Array.from({ length: 5_000 }, () => judge(model, 's1', { h: errors() }));
    expect(ordinary.slice(100).filter((r) => r.worst?.kind === 'stuck')).toEqual([]);
    const frozen = Array.from({ length: 12 }, () => judge(model, 's1', { h: 3 }));
    const first = frozen.findIndex((r) => r.worst?.kind === 'stuck');
    expect(first).toBeGreaterThanOrEqual(3);
    expect(first).toBeLessThan(8);
    expect(model.explain(frozen[first]?.worst as Finding)).toMatch(/^h stuck at 3 for \d+ readings$/);
    judge(model, 's1', { h: 7 });
    // Eight zeros in a row come about once in 2 300 readings here: ordinary.
    const zeros = Array.from({ length: 8 }, () => judge(model, 's1', { h: 0 }));
    expect(zeros.filter((r) => r.worst?.kind === 'stuck')).toEqual([]);
    // Though 0 repeats itself about a third of the time, thirty zeros in a row come about once in 10¹⁴:
    // stuck (at 0, a count's value, not a bound it is cut at), within the 16 readings a one-in-a-million
    // run takes at that share.
    const held = Array.from({ length: 22 }, () => judge(model, 's1', { h: 0 }));
    const stuck = held.findIndex((r) => r.worst?.kind === 'stuck');
    expect(stuck).toBeGreaterThanOrEqual(0);
    expect(8 + stuck + 1).toBeLessThanOrEqual(20);
    expect(held.slice(0, stuck).filter((r) => r.anomalous.length > 0)).toEqual([]);
    expect(model.explain(held[stuck]?.worst as Finding)).toMatch(/^h stuck at 0 for \d+ readings$/);
  });

  it('calls an idle-mostly sensor stuck when it holds one active value its active readings never repeat', () => {
    const model = new SensorStatsModel({ ...options, window: 300 });
    const random = seededRandom(5);
    // A gauge idle at 0 except for bursts of 30 readings of varying rain, one burst in ten.
    const rain = (i: number) =>
      i % 300 < 30 ? Math.round(1000 * (2 + Math.abs(random.gaussian()))) / 1000 : 0;
    const ordinary = Array.from({ length: 6_000 }, (_, i) => judge(model, 's1', { h: rain(i) }));
    const flagged = ordinary.slice(1_000).filter((r) => r.anomalous.length > 0);
    expect(flagged.length).toBeLessThanOrEqual(3);
    expect(flagged.filter((r) => r.worst?.kind === 'stuck')).toEqual([]);
    const held = Array.from({ length: 20 }, () => judge(model, 's1', { h: 4.327 }));
    const first = held.findIndex((r) => r.worst?.kind === 'stuck');
    expect(first).toBeGreaterThanOrEqual(3);
    expect(first).toBeLessThan(8);
  });

  it('does not let an idle-mostly sensor held at one active value teach itself, while held, that active values repeat', () => {
    // A short memory, so that learning the run reading by reading would lift the share past the stuck limit.
    const model = new SensorStatsModel(options);
    const random = seededRandom(8);
    // Bursts of 30 readings one reading in ten; an active reading repeats the one before about once in ten.
    let previous = 2;
    const rain = (i: number) => {
      if (i % 300 >= 30) return 0;
      if (i % 300 > 0 && random.next() < 0.1) return previous;
      previous = Math.round(1000 * (2 + Math.abs(random.gaussian()))) / 1000;
      return previous;
    };
    const ordinary = Array.from({ length: 6_000 }, (_, i) => judge(model, 's1', { h: rain(i) }));
    expect(ordinary.slice(1_000).filter((r) => r.anomalous.length > 0).length).toBeLessThanOrEqual(3);
    const held = Array.from({ length: 30 }, () => judge(model, 's1', { h: 4.327 }));
    const first = held.findIndex((r) => r.worst?.kind === 'stuck');
    expect(first).toBeGreaterThanOrEqual(3);
    expect(first).toBeLessThan(12);
  });

  it('flags a leap within a burst of an idle-mostly sensor that moves smoothly while active, not the leap into a burst', () => {
    // `x` is in no profile, so no profile spread floors its steps.
    const model = new SensorStatsModel({ ...options, window: 300 });
    const random = seededRandom(21);
    // Idle at 0, then bursts of 30 readings one reading in ten: a walk around 2 in steps of about 0.2.
    let level = 2;
    const gauge = (i: number) => {
      if (i % 300 >= 30) return 0;
      if (i % 300 === 0) level = 2;
      level = Math.max(0.5, level + 0.2 * random.gaussian() - 0.05 * (level - 2));
      return Math.round(1000 * level) / 1000;
    };
    const ordinary = Array.from({ length: 6_000 }, (_, i) => judge(model, 's1', { x: gauge(i) }));
    const flagged = ordinary.slice(1_000).filter((r) => r.anomalous.length > 0);
    expect(flagged.length).toBeLessThanOrEqual(3);
    // A new burst: its leap from 0 to 2 is how every burst starts; then the gauge turns erratic.
    const burst = [2.05, 2.1, 4.9, 2.15, 2.2].map((x) => judge(model, 's1', { x }));
    expect(burst[0]?.anomalous).toEqual([]);
    expect(burst[1]?.anomalous).toEqual([]);
    expect(burst[2]?.worst?.kind).toBe('jump');
    // The leap back lands on the active level: a return, not a fault.
    expect(burst[3]?.anomalous).toEqual([]);
  });

  it('lets an active value judged anomalous widen the active spread of an idle-mostly sensor less than a normal one', () => {
    // `x` is in no profile, so no profile spread floors the scale the two models are compared on.
    const spreadAfter = (faultJudgedAnomalous: boolean) => {
      const model = new SensorStatsModel({ ...options, window: 300 });
      const random = seededRandom(3);
      // Idle at 0, bursts of 30 readings of 2 ± 0.5 one reading in ten; a value of 9 in every burst.
      for (let i = 0; i < 6_000; i++) {
        const fault = i % 300 === 15;
        const x = i % 300 >= 30 ? 0 : fault ? 9 : Math.round(1000 * (2 + 0.5 * random.gaussian())) / 1000;
        const observation = observe('s1', { x });
        model.score(observation);
        model.learn(observation, fault && faultJudgedAnomalous);
      }
      return Number(model.score(observe('s1', { x: 2 }))[0]?.facts.stdDev);
    };
    expect(spreadAfter(true)).toBeLessThan(0.97 * spreadAfter(false));
  });

  it('does not call a tank that touched full a dozen times saturated the first time it stays full', () => {
    const model = new SensorStatsModel({ ...options, window: 300, longWindow: 3_000 });
    const random = seededRandom(29);
    const near = () => Math.round(1000 * (98.9 + 0.6 * random.gaussian())) / 1000;
    for (let i = 0; i < 300; i++) judge(model, 's1', { h: Math.min(99.9, near()) });
    // Fifteen brief touches of 100 % (two readings each), the way a tank near full brushes its bound.
    for (let touch = 0; touch < 15; touch++) {
      for (let i = 0; i < 20; i++) judge(model, 's1', { h: Math.min(99.9, near()) });
      judge(model, 's1', { h: 100 });
      judge(model, 's1', { h: 100 });
    }
    const full = Array.from({ length: 120 }, () => judge(model, 's1', { h: 100 }));
    expect(full.filter((r) => r.worst?.kind === 'saturated')).toEqual([]);
  });

  it('flags most readings of a noise burst, not only the first few', () => {
    const model = new SensorStatsModel({ ...DEFAULT_SENSOR_STATS });
    const random = seededRandom(5);
    for (let i = 0; i < 2_000; i++) judge(model, 's1', { t: 20 + random.gaussian() });
    // Twenty bursts of 12 readings five times as noisy, each after a calm spell the sensor settles in.
    let flagged = 0;
    for (let burst = 0; burst < 20; burst++) {
      for (let i = 0; i < 12; i++)
        flagged += judge(model, 's1', { t: 20 + 5 * random.gaussian() }).anomalous.length;
      for (let i = 0; i < 300; i++) judge(model, 's1', { t: 20 + random.gaussian() });
    }
    // A reading 5σ·N(0, 1) off passes 4σ about 42 % of the time. Judged on the burst's own spread (its
    // recent steps as a floor, in full), about one in nine was.
    expect(flagged / (20 * 12)).toBeGreaterThan(0.25);
  });

  it('judges the active values of a sensor cut at zero on its profile spread, not on their narrower own', () => {
    const model = new SensorStatsModel({ ...options, window: 300, longWindow: 3_000 });
    const random = seededRandom(11);
    // Rain as a slow walk (mean 0.3, spread 0.6) cut at 0: dry a third of the time; its wet values keep the
    // walk's upper tail but have a narrower spread of their own.
    let walk = 0;
    const keep = Math.exp(-2 / 60);
    const rain = () => {
      walk = keep * walk + Math.sqrt(1 - keep * keep) * random.gaussian();
      return Math.max(0, Math.round(1000 * (0.3 + 0.6 * walk)) / 1000);
    };
    const ordinary = Array.from({ length: 8_000 }, () => judge(model, 's1', { rain: rain() }));
    const onsets = ordinary
      .slice(1_000)
      .filter((r, i, rows) => r.anomalous.length > 0 && (i === 0 || rows[i - 1]?.anomalous.length === 0));
    expect(onsets.length).toBeLessThanOrEqual(1);
    // The wet values' own spread is about 0.43 here; the scale they are judged on is at least 0.75 × 0.6.
    // Its level is not in doubt (a leap there from where the slow walk is may still be a jump).
    const wet = judge(model, 's1', { rain: 0.3 + 0.6 * 3.3 }).findings[0];
    expect(Number(wet?.facts.stdDev)).toBeGreaterThanOrEqual(0.75 * 0.6);
    expect(Math.abs(Number(wet?.facts.z))).toBeLessThan(options.levelZ);
    expect(judge(model, 's1', { rain: 0.3 + 0.6 * 8 }).worst?.sensors).toEqual(['rain']);
  });

  it('calls a noisy sensor held at a new lowest value stuck there once that value is well below its level', () => {
    const model = new SensorStatsModel({ ...options, window: 300, longWindow: 3_000 });
    const random = seededRandom(17);
    // Wind at 4 ± 1.2 m/s that never reaches its 0 (validRange [-100, 100] on `t` stands for any range).
    const wind = () => Math.round(1000 * (4 + 1.2 * random.gaussian())) / 1000;
    const values = Array.from({ length: 3_000 }, wind);
    const ordinary = values.map((t) => judge(model, 's1', { t }));
    expect(ordinary.slice(100).filter((r) => r.worst?.kind === 'saturated')).toEqual([]);
    // Drifted down just past anything it reported before (over 3σ below its level), and held there.
    const lowest = Math.min(...values) - 0.01;
    expect((4 - lowest) / 1.2).toBeGreaterThan(3);
    expect((4 - lowest) / 1.2).toBeLessThan(4);
    const held = Array.from({ length: 12 }, () => judge(model, 's1', { t: lowest }));
    const first = held.findIndex((r) => r.worst?.kind === 'saturated');
    expect(first).toBeGreaterThanOrEqual(2);
    expect(first).toBeLessThan(8);
    expect(model.explain(held[first]?.worst as Finding)).toMatch(/^t pinned at -?[\d.]+, its lowest reading/);
  });

  it('judges a level clipped at a bound on its long-run spread, and still finds a shift away from it', () => {
    const model = new SensorStatsModel({ ...options, window: 300, longWindow: 3_000 });
    const random = seededRandom(3);
    const inside = (lo: number) => Math.round(1000 * (lo + (100 - lo) * random.next())) / 1000;
    // A tank held full a fifth of the time and anywhere from 88 % to full otherwise; lately it has stayed
    // near full, so its moving σ, learnt from the values inside the range, has shrunk to about 1.
    for (let i = 0; i < 6_000; i++) judge(model, 's1', { h: i % 200 < 40 ? 100 : inside(88) });
    for (let i = 0; i < 800; i++) judge(model, 's1', { h: i % 200 < 40 ? 100 : inside(97) });
    // 93 % is well within what it does: on the moving σ alone its level z would be about −5.
    const dip = model.score(observe('s1', { h: 93 })).find((f) => f.sensors[0] === 'h');
    expect(Math.abs(Number(dip?.facts.z))).toBeLessThan(options.levelZ);
    // A drop to 60 % is still found, as a distance from the usual (a single step that far reads as a trend).
    const dropped = Array.from({ length: 5 }, () => judge(model, 's1', { h: 60 }));
    const distances = ['level', 'jump', 'trend'];
    expect(dropped.some((r) => r.anomalous.some((f) => distances.includes(f.kind)))).toBe(true);
  });

  it('does not take a switch in whole percent, held for minutes, for a count', () => {
    const model = new SensorStatsModel({ ...options, window: 300 });
    // A pump on (100) for 40 readings, off (0) for 60, again and again.
    const pump = (i: number) => (i % 100 < 40 ? 100 : 0);
    const judged = Array.from({ length: 2_000 }, (_, i) => judge(model, 's1', { h: pump(i) }));
    expect(judged.flatMap((r) => r.anomalous).filter((f) => f.kind === 'rate')).toEqual([]);
  });

  it('keeps learning a switch that lives at its two bounds, not frozen at the first it showed', () => {
    const model = new SensorStatsModel({ ...options, window: 300 });
    // A pump off (0 %) with a short burst of odd values, then on (100 %) for good: every reading at one
    // bound or the other. Were runs at a bound censored, its level would stay at 0 and flag every 100.
    const odd = [20, 35, 60, 10, 45];
    const pump = (i: number) => (i >= 100 && i < 105 ? (odd[i - 100] as number) : i < 370 ? 0 : 100);
    const judged = Array.from({ length: 1_200 }, (_, i) => judge(model, 's1', { h: pump(i) }));
    expect(judged.slice(-500).filter((r) => r.anomalous.length > 0)).toHaveLength(0);
  });
});

describe('SensorStatsModel at a time of day that recurs', () => {
  it('stops flagging a spike that comes at the same time every day, and still flags one at another time', () => {
    const model = new SensorStatsModel(options);
    const random = seededRandom(11);
    const origin = Date.parse('2026-01-05T00:00:00Z');
    const judgeAt = (ts: number, t: number) => {
      const observation: Observation = { stationId: 'cron', profile: 'test', profileSpec, ts, values: { t } };
      const findings = model.score(observation);
      const anomalous = findings.filter((f) => f.severity !== 'none');
      model.learn(observation, anomalous.length > 0);
      return findings[0];
    };
    const nightlySpike: (Finding | undefined)[] = [];
    for (let day = 0; day < 5; day++) {
      for (let minute = 0; minute < 1_440; minute++) {
        const ts = origin + (day * 1_440 + minute) * 60_000;
        const found = judgeAt(ts, minute === 3 * 60 + 17 ? 30 : 20 + random.gaussian());
        if (minute === 3 * 60 + 17) nightlySpike.push(found);
      }
    }
    expect(nightlySpike[0]?.severity).toBe('critical');
    expect(nightlySpike[4]?.severity).toBe('none');
    expect(Number(nightlySpike[4]?.facts.usualAtThisTime)).toBeGreaterThan(3);
    const afternoon = judgeAt(origin + (5 * 1_440 + 15 * 60) * 60_000, 30);
    expect(afternoon?.severity).toBe('critical');
    expect(afternoon?.facts.usualAtThisTime).toBeUndefined();
    // A spike twice the usual one at the usual time is still flagged, and the explanation says what was usual.
    const bigger = judgeAt(origin + (5 * 1_440 + 3 * 60 + 17) * 60_000, 45);
    expect(bigger?.severity).not.toBe('none');
    expect(model.explain(bigger as Finding)).toMatch(/of its score usual at this time of day/);
  });
});
