import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../common/reading/profiles.js';
import { encodeReading, validateReading } from '../../common/reading/reading.js';
import { seededRandom } from '../../common/random.js';
import { SensorSignal } from './signal.js';
import { SimulatedStation } from './station.js';

const ORIGIN = Date.parse('2026-11-23T00:00:00.000Z');
const spec = PROFILES.factory.sensors.temperature;

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
    const signal = new SensorSignal(spec, { reversionPerHour: 6, driftPerDay: 0 }, seededRandom(1), ORIGIN);
    const at = (hour: number) => signal.meanAt(ORIGIN + hour * 3_600_000);
    expect(at(spec.peakHour)).toBeCloseTo(spec.mean + spec.dailyAmplitude * spec.stdDev, 9);
    expect(at(spec.peakHour + 12)).toBeCloseTo(spec.mean - spec.dailyAmplitude * spec.stdDev, 9);
  });

  it('drifts its mean by driftPerDay standard deviations a day', () => {
    const signal = new SensorSignal(spec, { reversionPerHour: 6, driftPerDay: 0.5 }, seededRandom(1), ORIGIN);
    const day = 24 * 3_600_000;
    expect(signal.meanAt(ORIGIN + 10 * day) - signal.meanAt(ORIGIN)).toBeCloseTo(10 * 0.5 * spec.stdDev, 9);
  });

  it('reverts to its mean with the spec spread, whatever the step', () => {
    for (const stepMs of [1_000, 60_000]) {
      const signal = new SensorSignal(spec, { reversionPerHour: 6, driftPerDay: 0 }, seededRandom(3), ORIGIN);
      const deviations = Array.from({ length: 20_000 }, (_, i) => {
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
  const readings = (anomalyRate: number, count: number) => {
    const station = new SimulatedStation({
      stationId: 'factory-t-s001',
      profile: 'factory',
      anomalyRate,
      originTs: ORIGIN,
    });
    return Array.from({ length: count }, (_, i) => station.readingAt(ORIGIN + i * 1_000));
  };

  it('produces valid readings with increasing sequence numbers and unique ids', () => {
    const all = readings(0.02, 2_000);
    const now = ORIGIN + 2_000_000;
    expect(all.every((r) => validateReading(encodeReading(r), now).ok)).toBe(true);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    expect(new Set(all.map((r) => r.readingId)).size).toBe(2_000);
  });

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
    expect(new Set(labelled.map((r) => r.label?.kind))).toEqual(
      new Set(['spike', 'level_shift', 'drift', 'stuck', 'noise_burst']),
    );
    for (const r of labelled) expect(Object.keys(r.values)).toContain(r.label?.sensors[0]);
    expect(readings(0, 5_000).every((r) => r.label === null)).toBe(true);
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
