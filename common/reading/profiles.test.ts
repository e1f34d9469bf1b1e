import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env.js';
import { parseProfiles, profileNames, profileOf, SENSOR_FAMILIES } from './profiles.js';

const sensor = 'temperature: { unit: °C, mean: 22, stdDev: 1.5, validRange: [-40, 150] }';

function errorOf(text: string): string[] {
  try {
    parseProfiles(text, 'profiles.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('profiles configuration', () => {
  it('ships the five fleets of the earlier systems, and a site of meters with one sensor of each awkward family', () => {
    expect(profileNames()).toEqual([
      'factory',
      'environment',
      'building_energy',
      'power_plant',
      'household_power',
      'site_meters',
    ]);
    const families = Object.values(profileOf('site_meters').sensors).map((s) => s.family);
    expect(families.sort()).toEqual([...SENSOR_FAMILIES].sort());
    expect(Object.keys(profileOf('environment').sensors)).toEqual([
      'temperature',
      'humidity',
      'pressure',
      'air_quality',
      'particulate_matter',
      'noise_level',
      'illuminance',
      'wind_speed',
      'rainfall',
    ]);
    expect(profileOf('environment').sensors.air_quality).toMatchObject({ mean: 200, stdDev: 20 });
  });

  it('takes a new profile from configuration alone, with defaults for the walk and drift', () => {
    const catalog = parseProfiles(
      `profiles:\n  greenhouse:\n    description: Greenhouses\n    sensors:\n      ${sensor}\n`,
      'x',
    );
    expect(catalog.greenhouse?.sensors.temperature).toMatchObject({
      walk: { reversionPerHour: 6, momentum: 0 },
      driftPerDay: 0.1,
      intermittent: false,
    });
    expect(catalog.greenhouse?.rules).toEqual([]);
  });

  it('names the entry that is wrong', () => {
    expect(
      errorOf(
        'profiles:\n  p:\n    description: x\n    sensors:\n      t: { unit: C, mean: 1, stdDev: -1, validRange: [0, 1] }\n',
      ),
    ).toEqual([expect.stringContaining('profiles.yaml: profiles.p.sensors.t.stdDev')]);
    expect(
      errorOf(
        `profiles:\n  p:\n    description: x\n    sensors:\n      ${sensor}\n    rules:\n      - { sensor: humidity, severity: warning, above: 1, message: m }\n`,
      )[0],
    ).toContain('every rule must name a sensor of its profile');
    expect(
      errorOf(
        `profiles:\n  p:\n    description: x\n    sensors:\n      ${sensor}\n    rules:\n      - { sensor: temperature, severity: warning, above: 30, clearBelow: 35, message: m }\n`,
      )[0],
    ).toContain('clearBelow must not be above');
    expect(errorOf('profiles: [')[0]).toContain('not valid YAML');
  });
});
