import { Gauge, type Registry } from 'prom-client';
import type { ProfileCatalog } from '../../common/reading/profiles.js';

/**
 * The limit of every threshold rule of config/profiles.yaml as a gauge of its own, so one alert rule
 * compares every station's value with its profile's limit (`value > on(profile, sensor) threshold`)
 * instead of one alert per station. `bound` is where the rule fires or, with hysteresis, clears.
 */
export function registerRuleThresholdGauge(registry: Registry, profiles: ProfileCatalog): void {
  const gauge = new Gauge({
    name: 'sensorwatch_rule_threshold',
    help: 'Limit of a threshold rule from the profiles file: fires past bound="fire", clears back past bound="clear".',
    labelNames: ['profile', 'sensor', 'severity', 'direction', 'bound'] as const,
    registers: [registry],
  });
  for (const [profile, spec] of Object.entries(profiles)) {
    for (const rule of spec.rules) {
      const direction = rule.above !== undefined ? 'above' : 'below';
      const fire = (rule.above ?? rule.below) as number;
      const clear = (direction === 'above' ? rule.clearBelow : rule.clearAbove) ?? fire;
      gauge.labels(profile, rule.sensor, rule.severity, direction, 'fire').set(fire);
      gauge.labels(profile, rule.sensor, rule.severity, direction, 'clear').set(clear);
    }
  }
}
