import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { profileOf } from '../common/reading/profiles.js';
import { SimulatedStation } from '../simulation/station.js';
import type { Observation } from './model.js';
import { createScoringCore, type Verdict } from './scoring-core.js';
import { decodeStates, restoreInto, STATION_STATE_VERSION, StateVersionError } from './station-state.js';

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const INTERVAL_MS = 5 * 60_000;

/** A small labelled fleet of two profiles (one with awkward meters), every reading in time order. */
function fleetReadings(readingsPerStation: number): Observation[] {
  const stations = ['factory', 'site_meters'].flatMap((profile) =>
    Array.from({ length: 3 }, (_, i) => {
      const stationId = `state-${profile}-${i}`;
      const profileSpec = profileOf(profile);
      return {
        profile,
        profileSpec,
        station: new SimulatedStation({
          stationId,
          profile,
          profileSpec,
          anomalyRate: 0.01,
          originTs: ORIGIN,
        }),
      };
    }),
  );
  const readings: Observation[] = [];
  for (let t = 0; t < readingsPerStation; t++) {
    const ts = ORIGIN + t * INTERVAL_MS;
    for (const { station, profile, profileSpec } of stations) {
      const reading = station.readingAt(ts);
      readings.push({ stationId: reading.stationId, profile, profileSpec, ts, values: reading.values });
    }
  }
  return readings;
}

describe('station state', () => {
  // Nine days at five minutes: the daily profile speaks, K-means and the Isolation Forest have trained.
  const readings = fleetReadings(2_600);
  const cut = 6 * 1_800;
  const options = { multiSensor: { minTraining: 600, retrainEvery: 900 } };

  it('moved into a fresh core, gives every later verdict exactly as the core that never stopped', () => {
    const trained: string[] = [];
    const uninterrupted = createScoringCore({ ...options, onTrained: (b) => trained.push(b.version) });
    for (const reading of readings.slice(0, cut)) uninterrupted.score(reading);
    expect(trained.length).toBeGreaterThan(0);

    const stations = new Set(readings.map((r) => r.stationId));
    const encoded = uninterrupted.exportStations(stations);
    const restored = createScoringCore(options);
    expect(restored.importStations(encoded).sort()).toEqual([...stations].sort());

    const later = readings.slice(cut);
    const expected: Verdict[] = [];
    const got: Verdict[] = [];
    for (const reading of later) {
      expected.push(uninterrupted.score(reading));
      got.push(restored.score(reading));
    }
    // Every model had something to say after the cut, so the equality covers all their states.
    const models = new Set(expected.flatMap((v) => v.findings.map((f) => f.model)));
    expect([...models]).toEqual(expect.arrayContaining(['kmeans', 'rules', 'seasonal', 'stats']));
    expect(got).toEqual(expected);
    // Both retrained at the same reading, on the same window, to the same models (a version's id ends in
    // a random suffix and its training time is measured, so those alone differ).
    const trainedModels = (core: typeof restored) => {
      const bundle = core.bundleOf('factory');
      return [bundle?.createdAt, bundle?.trainingFrom, bundle?.kmeans, bundle?.isolationForest];
    };
    expect(trainedModels(restored)).toEqual(trainedModels(uninterrupted));
    expect(trainedModels(uninterrupted)[2]).toBeDefined();
    // Some 30 000 readings through every model, twice, on a loaded machine.
  }, 90_000);

  it('holds only the stations asked for', () => {
    const core = createScoringCore(options);
    for (const reading of readings.slice(0, 600)) core.score(reading);
    const { stations } = decodeStates(core.exportStations(['state-factory-1', 'no-such-station']));
    expect([...stations.keys()]).toEqual(['state-factory-1']);
    expect(Object.keys(stations.get('state-factory-1') ?? {}).sort()).toEqual([
      'rules',
      'seasonal:day',
      'seasonal:week',
      'stats',
    ]);
  });

  it('of another version is refused before anything changes', () => {
    const core = createScoringCore(options);
    for (const reading of readings.slice(0, 600)) core.score(reading);
    const before = core.exportStations(['state-factory-0']);
    const older = serialize({ version: STATION_STATE_VERSION - 1, stations: new Map() });
    expect(() => core.importStations(older)).toThrow(StateVersionError);
    expect(() => core.importStations(serialize('not a state'))).toThrow(StateVersionError);
    expect(core.exportStations(['state-factory-0'])).toEqual(before);
  });

  it('is restored into instances that keep their classes, with infinities and typed arrays intact', () => {
    class Inner {
      total = 0;
      add(x: number) {
        this.total += x;
      }
    }
    class Outer {
      readonly inner = new Inner();
      readonly buffer = new Float64Array(2);
      least = Number.POSITIVE_INFINITY;
      record = { a: 1 };
    }
    const data = { inner: { total: 5 }, buffer: Float64Array.of(1, 2), least: 3, record: { a: 2 } };
    const outer = restoreInto(new Outer(), data);
    expect(outer.inner).toBeInstanceOf(Inner);
    outer.inner.add(1);
    expect(outer.inner.total).toBe(6);
    expect([...outer.buffer]).toEqual([1, 2]);
    expect([outer.least, outer.record.a]).toEqual([3, 2]);
  });
});
