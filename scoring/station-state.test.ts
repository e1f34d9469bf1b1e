import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { profileOf } from '../common/reading/profiles.js';
import { SimulatedStation } from '../simulation/station.js';
import type { Observation } from './model.js';
import { createScoringCore, type Verdict } from './scoring-core.js';
import {
  decodeStates,
  restoreInto,
  STATION_STATE_VERSION,
  StateVersionError,
  StationKeyedMap,
} from './station-state.js';

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

  it('checkpointed station by station, rolls back a core that ran ahead to the checkpoint exactly', () => {
    // A detector that went on scoring after its last checkpoint, then lost its partitions and got them
    // back: each station is put back to its checkpointed state, and judges the replay as before.
    const perStation = { ...options, without: ['kmeans', 'isolation_forest'] as const };
    const uninterrupted = createScoringCore(perStation);
    const ranAhead = createScoringCore(perStation);
    const before = readings.slice(0, cut);
    for (const reading of before) {
      uninterrupted.score(reading);
      ranAhead.score(reading);
    }
    const stations = [...new Set(readings.map((r) => r.stationId))];
    const checkpoint = uninterrupted.exportEachStation([...stations, 'no-such-station']);
    expect([...checkpoint.keys()].sort()).toEqual([...stations].sort());
    for (const reading of readings.slice(cut, cut + 900)) ranAhead.score(reading);

    for (const encoded of checkpoint.values()) ranAhead.importStations(encoded);
    const later = readings.slice(cut, cut + 3_000);
    const expected = later.map((reading) => uninterrupted.score(reading));
    expect(later.map((reading) => ranAhead.score(reading))).toEqual(expected);
    expect(expected.some((v) => v.findings.some((f) => f.model === 'seasonal'))).toBe(true);
  }, 60_000);

  it('forgotten, or damaged on import, leaves the station cold: judged as a station never seen', () => {
    const perStation = { ...options, without: ['kmeans', 'isolation_forest'] as const };
    const [first, second] = ['state-factory-0', 'state-factory-1'];
    const core = createScoringCore(perStation);
    for (const reading of readings.slice(0, 600)) core.score(reading);
    core.forgetStations([first as string]);
    expect([...core.exportEachStation([first as string, second as string]).keys()]).toEqual([second]);

    const damaged = serialize({
      version: STATION_STATE_VERSION,
      stations: new Map([[second, { stats: { temperature: 'not a state' } }]]),
    });
    expect(() => core.importStations(damaged)).toThrow();
    expect(core.exportEachStation([second as string]).size).toBe(0);

    const fresh = createScoringCore(perStation);
    const next = readings.slice(600, 1_200).filter((r) => r.stationId === second);
    expect(next.map((r) => core.score(r))).toEqual(next.map((r) => fresh.score(r)));
  });

  it('keeps the weekly profile: after four simulated weeks and a restart it speaks on the first reading', () => {
    const WEEK_MS = 7 * 86_400_000;
    const station = new SimulatedStation({
      stationId: 'state-weeks',
      profile: 'power_plant',
      profileSpec: profileOf('power_plant'),
      anomalyRate: 0,
      originTs: ORIGIN,
    });
    const observation = (ts: number): Observation => ({
      stationId: 'state-weeks',
      profile: 'power_plant',
      profileSpec: profileOf('power_plant'),
      ts,
      values: station.readingAt(ts).values,
    });
    const perStation = { without: ['kmeans', 'isolation_forest'] as const };
    const before = createScoringCore(perStation);
    const step = 15 * 60_000;
    let ts = ORIGIN;
    for (; ts < ORIGIN + 4 * WEEK_MS; ts += step) before.score(observation(ts));

    const restarted = createScoringCore(perStation);
    restarted.importStations(before.exportEachStation(['state-weeks']).get('state-weeks') as Buffer);
    const cold = createScoringCore(perStation);
    const weekly = (core: typeof before) => {
      const model = core.models.find((m) => 'stateKey' in m && m.stateKey === 'seasonal:week');
      return model?.score(observation(ts)) ?? [];
    };
    expect(weekly(before).length).toBeGreaterThan(0);
    expect(weekly(restarted)).toEqual(weekly(before));
    expect(weekly(cold)).toEqual([]);
  }, 60_000);

  it('once imported, is the importer’s own: learning after the import leaves the encoded state as it was', () => {
    const perStation = { ...options, without: ['kmeans', 'isolation_forest'] as const };
    const source = createScoringCore(perStation);
    for (const reading of readings.slice(0, 3_000)) source.score(reading);
    const encoded = source.exportStations(['state-site_meters-0']);
    const copy = Buffer.from(encoded);
    const first = createScoringCore(perStation);
    first.importStations(encoded);
    for (const reading of readings.slice(3_000, 4_000)) first.score(reading);
    // The typed arrays of a decoded state view the buffer they came from unless copied.
    expect(encoded.equals(copy)).toBe(true);
  });

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

  it("is restored into the arrays an instance already has, so a part kept in a view of its owner's array stays there", () => {
    class Part {
      constructor(readonly numbers: Float64Array) {}
    }
    class Owner {
      readonly numbers = new Float64Array(4);
      readonly part = new Part(this.numbers.subarray(2));
    }
    const source = new Owner();
    source.numbers.set([1, 2, 3, 4]);
    const restored = restoreInto(new Owner(), deserialize(serialize(source)));
    expect([...restored.part.numbers]).toEqual([3, 4]);
    restored.numbers[3] = 40;
    expect(restored.part.numbers[1]).toBe(40);
    // An array of another length than the instance's (one it makes lazily, say) is taken as a copy.
    const longer = restoreInto(new Owner(), { numbers: Float64Array.of(1, 2, 3, 4, 5) });
    expect(longer.numbers.length).toBe(5);
    expect(longer.part.numbers.buffer).not.toBe(longer.numbers.buffer);
  });
});

describe('StationKeyedMap', () => {
  it("keeps each station's entries apart, counts them, and drops a station's alone", () => {
    const map = new StationKeyedMap<number>();
    map.set('s1', 'temperature', 1);
    map.set('s1', 'power', 2);
    map.set('s2', 'temperature', 3);
    map.set('s1', 'power', 4);
    expect(map.size).toBe(3);
    expect(map.get('s1', 'power')).toBe(4);
    expect(map.get('s2', 'power')).toBeUndefined();
    expect(map.get('s3', 'power')).toBeUndefined();
    expect([...(map.of('s1') ?? [])]).toEqual([
      ['temperature', 1],
      ['power', 4],
    ]);
    expect(map.byStation(new Set(['s2', 's3']))).toEqual(new Map([['s2', { temperature: 3 }]]));
    map.forget(['s1', 's3']);
    expect(map.size).toBe(1);
    expect([...map.entries()]).toEqual([['s2', 'temperature', 3]]);
  });
});
