import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { profileNames, profileOf, type SensorSpec } from '../common/reading/profiles.js';
import { ANOMALY_KINDS, encodeReading, validateReading } from '../common/reading/reading.js';
import { SensorSignal } from './signal.js';
import { SimulatedStation } from './station.js';

const ORIGIN = Date.parse('2026-11-23T00:00:00.000Z');
const factoryTemperature = profileOf('factory').sensors.temperature as SensorSpec;
const spec = { ...factoryTemperature, driftPerDay: 0 };
const daily = { amplitude: 1.5, peakHour: 15 };

function stats(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, sd };
}

describe('seededRandom', () => {
  it('repeats its sequence for a seed and gives standard normals', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a.next(), a.next(), a.next()]).toEqual([b.next(), b.next(), b.next()]);
    const r = seededRandom(7);
    const { mean, sd } = stats(Array.from({ length: 20_000 }, () => r.gaussian()));
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
  });
});

describe('SensorSignal', () => {
  it('follows the daily cycle: the mean peaks at the peak hour and bottoms twelve hours later', () => {
    const signal = new SensorSignal(
      { ...spec, season: { shape: 'daily', ...daily } },
      seededRandom(1),
      ORIGIN,
    );
    const at = (hour: number) => signal.meanAt(ORIGIN + hour * 3_600_000);
    expect(at(daily.peakHour)).toBeCloseTo(spec.mean + daily.amplitude * spec.stdDev, 9);
    expect(at(daily.peakHour + 12)).toBeCloseTo(spec.mean - daily.amplitude * spec.stdDev, 9);
  });

  it('follows working hours on weekdays only', () => {
    const season = { shape: 'working_hours', amplitude: 2, startHour: 8, endHour: 18 } as const;
    const signal = new SensorSignal({ ...spec, season }, seededRandom(1), ORIGIN);
    const monday = Date.parse('2026-11-23T00:00:00.000Z');
    const saturday = Date.parse('2026-11-28T00:00:00.000Z');
    const at = (day: number, hour: number) => signal.meanAt(day + hour * 3_600_000);
    expect(at(monday, 12)).toBeCloseTo(spec.mean + 2 * spec.stdDev, 9);
    expect(at(monday, 3)).toBeCloseTo(spec.mean - 2 * spec.stdDev, 9);
    expect(at(saturday, 12)).toBeCloseTo(spec.mean - 2 * spec.stdDev, 9);
  });

  it('gives a solar plant daylight: nothing at night, its mean at noon', () => {
    const season = { shape: 'daylight', sunriseHour: 6, sunsetHour: 18 } as const;
    const signal = new SensorSignal({ ...spec, mean: 180, season }, seededRandom(1), ORIGIN);
    expect(signal.valueAt(ORIGIN + 2 * 3_600_000)).toBe(0);
    expect(signal.meanAt(ORIGIN + 12 * 3_600_000)).toBeCloseTo(180, 9);
  });

  it('drifts its mean by driftPerDay standard deviations a day', () => {
    const signal = new SensorSignal({ ...spec, driftPerDay: 0.5 }, seededRandom(1), ORIGIN);
    const day = 24 * 3_600_000;
    expect(signal.meanAt(ORIGIN + 10 * day) - signal.meanAt(ORIGIN)).toBeCloseTo(10 * 0.5 * spec.stdDev, 9);
  });

  it.each([
    ['without momentum', 0],
    ['with momentum (a trending walk)', 0.3],
  ])('reverts to its mean with the spec spread, whatever the step, %s', (_, momentum) => {
    for (const stepMs of [1_000, 60_000]) {
      const walk = { reversionPerHour: 12, momentum };
      const signal = new SensorSignal({ ...spec, walk }, seededRandom(3), ORIGIN);
      const deviations = Array.from({ length: 40_000 }, (_, i) => {
        const ts = ORIGIN + i * stepMs;
        return signal.valueAt(ts) - signal.meanAt(ts);
      });
      const { mean, sd } = stats(deviations);
      expect(Math.abs(mean)).toBeLessThan(0.3 * spec.stdDev);
      expect(sd / spec.stdDev).toBeGreaterThan(0.8);
      expect(sd / spec.stdDev).toBeLessThan(1.2);
    }
  });
});

describe('SimulatedStation', () => {
  const readings = (anomalyRate: number, count: number, profile = 'factory') => {
    const station = new SimulatedStation({
      stationId: `${profile}-t-s001`,
      profile,
      anomalyRate,
      originTs: ORIGIN,
    });
    return Array.from({ length: count }, (_, i) => station.readingAt(ORIGIN + i * 1_000));
  };

  it.each(profileNames())(
    'produces valid %s readings with increasing sequence numbers and unique ids',
    (profile) => {
      const all = readings(0.02, 2_000, profile);
      const now = ORIGIN + 2_000_000;
      expect(all.every((r) => validateReading(encodeReading(r), now).ok)).toBe(true);
      expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
      expect(new Set(all.map((r) => r.readingId)).size).toBe(2_000);
    },
  );

  it('is reproducible for a station id', () => {
    expect(readings(0.02, 50)).toEqual(readings(0.02, 50));
  });

  it('labels injected anomalies with their kind and sensor, at about the configured rate', () => {
    const all = readings(0.01, 20_000);
    const labelled = all.filter((r) => r.label !== null);
    const episodes = all.filter((r, i) => r.label !== null && all[i - 1]?.label === null).length;
    // 20 000 readings at 1 % start ~200 episodes, minus readings spent inside episodes.
    expect(episodes).toBeGreaterThan(100);
    expect(episodes).toBeLessThan(250);
    expect(new Set(labelled.map((r) => r.label?.kind))).toEqual(new Set(ANOMALY_KINDS));
    for (const r of labelled) expect(Object.keys(r.values)).toContain(r.label?.sensors[0]);
    expect(readings(0, 5_000).every((r) => r.label === null)).toBe(true);
  });

  it('sends dropouts as sensors without a value, and moves two or three sensors in a correlated fault', () => {
    const all = readings(0.01, 20_000);
    const dropouts = all.filter((r) => r.label?.kind === 'dropout');
    expect(dropouts.length).toBeGreaterThan(0);
    for (const r of dropouts)
      for (const sensor of r.label?.sensors ?? []) expect(r.values[sensor]).toBeNull();
    const correlated = all.filter((r) => r.label?.kind === 'correlated');
    expect(correlated.length).toBeGreaterThan(0);
    expect(correlated.some((r) => (r.label?.sensors.length ?? 0) >= 2)).toBe(true);
  });

  it('never freezes an intermittent sensor (rain sits at zero by nature) and labels only readings a fault changed', () => {
    const station = new SimulatedStation({
      stationId: 'environment-t-s001',
      profile: 'environment',
      anomalyRate: 0.05,
      anomalyKinds: ['stuck'],
      originTs: ORIGIN,
    });
    const all = Array.from({ length: 20_000 }, (_, i) => station.readingAt(ORIGIN + i * 60_000));
    const stuck = all.filter((r) => r.label?.kind === 'stuck');
    expect(stuck.length).toBeGreaterThan(100);
    expect(stuck.some((r) => r.label?.sensors.includes('rainfall'))).toBe(false);
    // A stuck sensor repeats the value it froze at.
    const first = stuck[0];
    const sensor = first?.label?.sensors[0] as string;
    expect(all[(first?.seq ?? 0) - 1]?.values[sensor]).toBe(first?.values[sensor]);
  });

  it('labels no reading that the sensor’s range cut to less than a standard deviation of change', () => {
    // A tank held at 97.5 % without noise: shifted up, it reads the 100 % a full tank reads; shifted down
    // by 4 to 7 standard deviations, it plainly moved.
    const tank: SensorSpec = {
      ...spec,
      mean: 97.5,
      stdDev: 4,
      validRange: [0, 100],
      season: undefined,
      noise: 0,
      driftPerDay: 0,
    };
    const station = new SimulatedStation({
      stationId: 'site-t-s001',
      profile: 'factory',
      anomalyRate: 0.05,
      anomalyKinds: ['level_shift'],
      originTs: ORIGIN,
      profileSpec: { ...profileOf('factory'), sensors: { tank }, rules: [] },
    });
    const all = Array.from({ length: 5_000 }, (_, i) => station.readingAt(ORIGIN + i * 60_000));
    const values = (labelled: boolean) =>
      new Set(all.filter((r) => (r.label !== null) === labelled).map((r) => r.values.tank as number));
    expect([...values(true)].every((v) => v <= 97.5 - 4 * 4)).toBe(true);
    expect(values(true).size).toBeGreaterThan(10);
    expect(values(false)).toEqual(new Set([97.5, 100]));
  });

  it('makes a spike stand far outside the normal spread of its sensor', () => {
    const all = readings(0.01, 20_000);
    const spikes = all.filter((r) => r.label?.kind === 'spike');
    expect(spikes.length).toBeGreaterThan(5);
    const normal = stats(all.filter((r) => r.label === null).map((r) => r.values.temperature as number));
    const spikedTemperatures = spikes.filter((r) => r.label?.sensors[0] === 'temperature');
    for (const r of spikedTemperatures) {
      expect(Math.abs((r.values.temperature as number) - normal.mean)).toBeGreaterThan(3 * spec.stdDev);
    }
  });
});
