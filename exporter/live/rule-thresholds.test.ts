import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseProfiles } from '../../common/reading/profiles.js';
import { registerRuleThresholdGauge } from './rule-thresholds.js';

describe('sensorwatch_rule_threshold', () => {
  it('exports each rule’s firing and clearing limit with its profile, sensor, severity and direction', async () => {
    const profiles = parseProfiles(
      `profiles:
  city:
    description: city
    sensors:
      air_quality: { unit: AQI, mean: 200, stdDev: 20, validRange: [0, 1000] }
    rules:
      - { sensor: air_quality, severity: warning, above: 300, clearBelow: 280, message: Unhealthy air }
      - { sensor: air_quality, severity: critical, below: 5, message: Sensor blocked }
`,
      'test',
    );
    const registry = new Registry();
    registerRuleThresholdGauge(registry, profiles);
    const text = await registry.metrics();
    expect(text).toContain(
      'sensorwatch_rule_threshold{profile="city",sensor="air_quality",severity="warning",direction="above",bound="fire"} 300',
    );
    expect(text).toContain(
      'sensorwatch_rule_threshold{profile="city",sensor="air_quality",severity="warning",direction="above",bound="clear"} 280',
    );
    // Without hysteresis a rule clears where it fires.
    expect(text).toContain(
      'sensorwatch_rule_threshold{profile="city",sensor="air_quality",severity="critical",direction="below",bound="clear"} 5',
    );
  });
});
