/**
 * Station profiles: which sensors a kind of station has, their units, their normal behaviour (used by
 * the simulator) and the physical range a reading must fall in to be accepted at all (used by the
 * validator). A new profile or sensor is an entry here, not a code change elsewhere.
 */
export interface SensorSpec {
  readonly unit: string;
  /** Long-run mean and standard deviation of normal readings. */
  readonly mean: number;
  readonly stdDev: number;
  /** Peak-to-mean amplitude of the daily cycle, as a multiple of stdDev. */
  readonly dailyAmplitude: number;
  /** Hour of day (UTC) at which the daily cycle peaks. */
  readonly peakHour: number;
  /** Values outside this range are physically impossible for the sensor: the reading is rejected. */
  readonly validRange: readonly [number, number];
}

export interface ProfileSpec {
  readonly description: string;
  readonly sensors: Readonly<Record<string, SensorSpec>>;
}

export const PROFILES = {
  factory: {
    description: 'Machines of a wind-turbine parts plant',
    sensors: {
      temperature: {
        unit: '°C',
        mean: 22,
        stdDev: 1.5,
        dailyAmplitude: 1.5,
        peakHour: 15,
        validRange: [-40, 150],
      },
      humidity: { unit: '%', mean: 45, stdDev: 4, dailyAmplitude: 1, peakHour: 6, validRange: [0, 100] },
      noise_level: { unit: 'dB', mean: 68, stdDev: 3, dailyAmplitude: 2, peakHour: 11, validRange: [0, 194] },
    },
  },
} as const satisfies Record<string, ProfileSpec>;

export type ProfileName = keyof typeof PROFILES;

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

export function sensorsOf(profile: ProfileName): readonly string[] {
  return Object.keys(PROFILES[profile].sensors);
}
