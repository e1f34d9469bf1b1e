import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { parseProfiles } from '../common/reading/profiles.js';
import type { Observation } from './model.js';
import { createScoringCore } from './scoring-core.js';
import { DEFAULT_SEASONAL_PROFILE, hourOfWeek, SeasonalProfileModel } from './seasonal-profile.model.js';

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;
/** A Sunday, 00:00 UTC. */
const ORIGIN = Date.parse('2026-01-04T00:00:00Z');
const spec = parseProfiles(
  `
profiles:
  office:
    description: an office's electricity
    sensors:
      power: { unit: kW, mean: 100, stdDev: 10, validRange: [0, 1000] }
`,
  'test',
).office;
if (!spec) throw new Error('profile missing');

/** Office power: 150 kW in working hours (Mon–Fri 08–18 UTC), 30 kW otherwise, with a little noise. */
function usualPower(ts: number, i: number): number {
  const slot = hourOfWeek(ts);
  const day = Math.floor(slot / 24);
  const hour = slot % 24;
  const working = day >= 1 && day <= 5 && hour >= 8 && hour < 18;
  return (working ? 150 : 30) + Math.sin(i * 1.7) * 3;
}

const reading = (ts: number, power: number | null): Observation => ({
  stationId: 'office-1',
  profile: 'office',
  profileSpec: spec,
  ts,
  values: { power },
});

/** Feeds `weeks` of readings every 15 minutes to the model. */
function taught(model: SeasonalProfileModel, weeks: number): number {
  let i = 0;
  for (let ts = ORIGIN; ts < ORIGIN + weeks * WEEK; ts += HOUR / 4, i++)
    model.learn(reading(ts, usualPower(ts, i)));
  return ORIGIN + weeks * WEEK;
}

describe('hourOfWeek', () => {
  it('counts hours from Sunday 00:00 UTC', () => {
    expect(hourOfWeek(ORIGIN)).toBe(0);
    expect(hourOfWeek(ORIGIN + 25 * HOUR + 59 * 60_000)).toBe(25);
    expect(hourOfWeek(ORIGIN + WEEK - 1)).toBe(167);
    expect(hourOfWeek(ORIGIN + WEEK)).toBe(0);
  });
});

describe('SeasonalProfileModel', () => {
  it('judges nothing until each hour of the week has been seen on three weeks', () => {
    const model = new SeasonalProfileModel();
    const end = taught(model, 2);
    // Monday 03:00 of week three: a night reading at the working-hours level.
    expect(model.score(reading(end + 27 * HOUR, 150))).toEqual([]);
  });

  it('flags a value ordinary for the day but wrong for the hour, and explains it by weekday and hour', () => {
    const model = new SeasonalProfileModel();
    const end = taught(model, 4);
    const mondayNight = end + 27 * HOUR;
    const [finding] = model.score(reading(mondayNight, 150));
    expect(finding?.severity).toBe('critical');
    expect(finding?.facts.usual).toBeCloseTo(30, 0);
    expect(model.explain(finding as never)).toMatch(
      /power at 150, z=\+\d+\.\d+ from its usual (29|30)\.\d+ on Mondays at 03:00 UTC/,
    );
    // The same value in working hours is normal.
    const [daytime] = model.score(reading(end + 24 * HOUR + 10 * HOUR, 150));
    expect(daytime?.severity).toBe('none');
    expect(Math.abs(Number(daytime?.facts.z))).toBeLessThan(3);
  });

  it('takes a lasting change as the new normal within weeks, and one fault barely moves it', () => {
    const model = new SeasonalProfileModel();
    let ts = taught(model, 4);
    // One fault: a night reading at 150 kW is learnt clipped, so the next night is still judged against ~30.
    model.learn(reading(ts + 2 * HOUR, 150));
    expect(model.score(reading(ts + 2 * HOUR + 60_000, 31))[0]?.severity).toBe('none');
    // Then nights at 60 kW for good (new equipment): alarming at first, normal after some weeks.
    const nightAt60 = (weeks: number) => {
      for (let w = 0; w < weeks; w++, ts += WEEK)
        for (let h = 0; h < 168; h++) {
          const at = ts + h * HOUR;
          const usual = usualPower(at, h);
          model.learn(reading(at, usual < 100 ? 60 : usual));
        }
    };
    expect(model.score(reading(ts + 2 * HOUR, 60))[0]?.severity).not.toBe('none');
    nightAt60(12);
    expect(model.score(reading(ts + 2 * HOUR, 60))[0]?.severity).toBe('none');
  });

  it('stays silent on a series the weekly profile does not explain (a random walk, no weekly shape)', () => {
    const model = new SeasonalProfileModel();
    const random = seededRandom(7);
    let level = 100;
    let ts = ORIGIN;
    for (; ts < ORIGIN + 6 * WEEK; ts += HOUR / 4) {
      level += random.gaussian() * 2;
      model.learn(reading(ts, level));
    }
    // Far from what this hour was last week, but the hour never predicted this series anyway.
    expect(model.score(reading(ts, level + 20))).toEqual([]);
  });

  it('holds no per-hour memory for a series younger than two days', () => {
    const model = new SeasonalProfileModel({
      ...DEFAULT_SEASONAL_PROFILE,
      minVisits: 0,
      minSpreadSamples: 0,
    });
    for (let ts = ORIGIN; ts < ORIGIN + 47 * HOUR; ts += HOUR) model.learn(reading(ts, 30));
    expect(model.score(reading(ORIGIN + 47 * HOUR, 150))).toEqual([]);
  });

  it('skips missing values instead of learning them', () => {
    const model = new SeasonalProfileModel();
    const end = taught(model, 4);
    model.learn(reading(end, null));
    expect(model.score(reading(end, null))).toEqual([]);
  });
});

describe('the scoring core with the seasonal model', () => {
  it('lets the weekly profile make the verdict, and can leave it out', () => {
    const run = (without: readonly 'seasonal'[]) => {
      const core = createScoringCore({ without });
      let i = 0;
      for (let ts = ORIGIN; ts < ORIGIN + 4 * WEEK; ts += HOUR / 4, i++)
        core.score(reading(ts, usualPower(ts, i)));
      // Saturday 14:00 at the working-hours level: the moving statistics see a normal daytime value.
      return core.score(reading(ORIGIN + 4 * WEEK + 6 * 24 * HOUR + 14 * HOUR, 150));
    };
    const withSeasonal = run([]);
    expect(withSeasonal.isAnomaly).toBe(true);
    expect(withSeasonal.findings[0]?.model).toBe('seasonal');
    expect(run(['seasonal']).findings.some((f) => f.model === 'seasonal')).toBe(false);
    // Four simulated weeks through the whole core take seconds: more under a loaded machine.
  }, 30_000);
});
