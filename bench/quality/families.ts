import { type ProfileSpec, profileNames, profileOf, SENSOR_FAMILIES } from '../../common/reading/profiles.js';
import { ANOMALY_KINDS } from '../../common/reading/reading.js';
import { emptyCounts, mergeCounts, type Quality, qualityOf } from './event-metrics.js';
import { runSimulator, type SimulatorRunOptions } from './simulator-quality.js';

export interface FamilyQuality {
  /** Every kind of fault injected into the family's sensors alone. */
  readonly faults: Quality;
  /** False alarm onsets per 10 000 scored readings of anomaly-free stations (the control). */
  readonly falseAlarmsPer10k: number;
  readonly controlReadings: number;
}

/** The profile holding a family's sensors, cut down to them: stations that report that family alone. */
export function familyProfile(family: (typeof SENSOR_FAMILIES)[number]): {
  profile: string;
  spec: ProfileSpec;
} {
  for (const profile of profileNames()) {
    const spec = profileOf(profile);
    const sensors = Object.entries(spec.sensors).filter(([, sensor]) => sensor.family === family);
    if (sensors.length > 0)
      return { profile, spec: { ...spec, sensors: Object.fromEntries(sensors), rules: [] } };
  }
  throw new Error(`no sensor of the family ${family} in the profiles file`);
}

/**
 * Each family of awkward sensors on its own: labelled faults of every kind (F1), and anomaly-free controls
 * whose every alarm is a false one (onsets per 10 000 readings). Fixed seeds, like the other runs.
 */
export function runFamilies(base: Omit<SimulatorRunOptions, 'profile' | 'kinds' | 'seed' | 'profileSpec'>): {
  byFamily: Record<string, FamilyQuality>;
  readings: number;
  scoringMs: number;
} {
  const byFamily: Record<string, FamilyQuality> = {};
  let readings = 0;
  let scoringMs = 0;
  for (const family of SENSOR_FAMILIES) {
    const { profile, spec } = familyProfile(family);
    const faults = emptyCounts();
    const run = runSimulator({
      ...base,
      profile,
      profileSpec: spec,
      kinds: ANOMALY_KINDS,
      seed: `${family}-faults`,
    });
    mergeCounts(faults, run.overall);
    const control = runSimulator({
      ...base,
      profile,
      profileSpec: spec,
      kinds: ANOMALY_KINDS,
      anomalyRate: 0,
      seed: `${family}-control`,
    });
    const controlReadings = base.stations * Math.max(0, base.readingsPerStation - base.probation);
    readings += run.readings + control.readings;
    scoringMs += run.scoringMs + control.scoringMs;
    byFamily[family] = {
      faults: qualityOf(faults),
      falseAlarmsPer10k: (10_000 * control.overall.falseAlarms) / Math.max(1, controlReadings),
      controlReadings,
    };
  }
  return { byFamily, readings, scoringMs };
}
