import { describe, expect, it } from 'vitest';
import { type ProfileSpec, parseProfiles } from '../common/reading/profiles.js';
import type { Observation } from './model.js';
import { ThresholdRulesModel } from './threshold-rules.model.js';

const profiles = parseProfiles(
  `profiles:
  city:
    description: city
    sensors:
      air_quality: { unit: AQI, mean: 200, stdDev: 20, validRange: [0, 1000] }
      voltage: { unit: V, mean: 240, stdDev: 2, validRange: [0, 400] }
    rules:
      - { sensor: air_quality, severity: warning, above: 300, clearBelow: 280, forReadings: 3, message: Unhealthy air }
      - { sensor: voltage, severity: critical, below: 220, clearAbove: 225, message: Undervoltage }
`,
  'test',
);
const city = profiles.city as ProfileSpec;

function run(model: ThresholdRulesModel, values: Record<string, number>[]) {
  return values.map((v, i) => {
    const observation: Observation = {
      stationId: 's1',
      profile: 'city',
      profileSpec: city,
      ts: i * 1000,
      values: v,
    };
    // As the scoring core does: judge the reading, then learn it.
    const findings = model.score(observation);
    model.learn(observation);
    return findings;
  });
}

describe('ThresholdRulesModel', () => {
  it('judges without changing its state: scoring a reading again gives the same findings', () => {
    const model = new ThresholdRulesModel();
    run(model, [
      { air_quality: 310, voltage: 240 },
      { air_quality: 310, voltage: 240 },
    ]);
    const third: Observation = {
      stationId: 's1',
      profile: 'city',
      profileSpec: city,
      ts: 2000,
      values: { air_quality: 310, voltage: 240 },
    };
    // The third reading above 300 fires the rule, however often it is judged before it is learnt.
    expect(model.score(third)).toHaveLength(1);
    expect(model.score(third)).toHaveLength(1);
    expect(model.activeWarnings(profiles)).toEqual([]);
    model.learn(third);
    expect(model.activeWarnings(profiles)).toHaveLength(1);
  });

  it('fires only after the minimum duration and clears only below the lower limit (hysteresis)', () => {
    const model = new ThresholdRulesModel();
    const aq = [250, 310, 320, 330, 290, 285, 279, 310].map((air_quality) => ({ air_quality, voltage: 240 }));
    const firing = run(model, aq).map((findings) => findings.length > 0);
    // Third reading above 300 starts it; 290 and 285 are below 300 but above 280, so it holds; 279 clears it;
    // a single 310 afterwards is too short to fire again.
    expect(firing).toEqual([false, false, false, true, true, true, false, false]);
  });

  it('describes a warning with its rule, value, limit and start, and lists it as active', () => {
    const model = new ThresholdRulesModel();
    const [, , third] = run(model, [
      { air_quality: 301, voltage: 240 },
      { air_quality: 305, voltage: 240 },
      { air_quality: 350, voltage: 240 },
    ]);
    const finding = third?.[0];
    expect(finding).toMatchObject({
      model: 'rules',
      kind: 'rule',
      sensors: ['air_quality'],
      severity: 'warning',
      score: 3,
    });
    expect(model.explain(finding as NonNullable<typeof finding>)).toBe(
      'rule: Unhealthy air (air_quality 350 above 300 since 1970-01-01T00:00:02.000Z)',
    );
    expect(model.activeWarnings(profiles)).toEqual([
      { stationId: 's1', profile: 'city', rule: city.rules[0], value: 350, since: 2000 },
    ]);
  });

  it('fires a "below" rule at once with its own severity', () => {
    const model = new ThresholdRulesModel();
    const [findings] = run(model, [{ air_quality: 200, voltage: 210 }]);
    expect(findings?.[0]).toMatchObject({ severity: 'critical', score: 5, sensors: ['voltage'] });
  });
});
