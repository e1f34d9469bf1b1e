import { describe, expect, it } from 'vitest';
import { profileNames } from '../common/reading/profiles.js';
import { loadProducerConfig, replicaIdFrom } from './config.js';
import { Fleet, stationIds } from './fleet.js';

describe('stationIds', () => {
  it('names stations by profile and replica, zero-padded', () => {
    expect(stationIds('factory', 'a1', 3)).toEqual(['factory-a1-s001', 'factory-a1-s002', 'factory-a1-s003']);
    expect(stationIds('factory', 'a1', 1200)[1199]).toBe('factory-a1-s1200');
  });

  it('never repeats an id across replicas', () => {
    const ids = ['r1', 'r2', 'r3'].flatMap((replica) => stationIds('factory', replica, 500));
    expect(new Set(ids).size).toBe(1500);
  });
});

describe('replicaIdFrom', () => {
  it.each([
    ['sensorwatch-producer-7', 'sensorwatch-producer-7'],
    ['Host_Name.example.com', 'host-name-example-com'],
    ['__', 'replica'],
  ])('turns %j into %j', (host, id) => {
    expect(replicaIdFrom(host)).toBe(id);
  });
});

describe('Fleet', () => {
  it('yields one reading per station per tick, with the tick time', () => {
    const fleet = new Fleet({
      replicaId: 'r1',
      profiles: ['factory'],
      stations: 4,
      anomalyRate: 0,
      originTs: 0,
    });
    const ts = Date.parse('2026-11-23T12:00:00.000Z');
    const readings = fleet.tick(ts);
    expect(readings.map((r) => r.stationId)).toEqual(stationIds('factory', 'r1', 4));
    expect(readings.every((r) => r.ts === '2026-11-23T12:00:00.000Z' && r.seq === 0)).toBe(true);
    expect(fleet.tick(ts + 1000).every((r) => r.seq === 1)).toBe(true);
  });

  it('reports slice by slice: each station once per interval, at its own moment of it', () => {
    const fleet = new Fleet({
      replicaId: 'r1',
      profiles: ['factory'],
      stations: 7,
      anomalyRate: 0,
      originTs: 0,
    });
    const start = Date.parse('2026-11-23T12:00:00.000Z');
    const slices = [0, 1, 2].map((slice) => fleet.tickSlice(start + slice * 333, slice, 3));
    expect(slices.map((readings) => readings.length)).toEqual([3, 2, 2]);
    expect(
      slices
        .flat()
        .map((r) => r.stationId)
        .sort(),
    ).toEqual(stationIds('factory', 'r1', 7));
    expect(slices[1]?.every((r) => r.ts === '2026-11-23T12:00:00.333Z')).toBe(true);
    // The next interval: the same stations in the same slices, one reading further on.
    const next = fleet.tickSlice(start + 1000, 0, 3);
    expect(next.map((r) => r.stationId)).toEqual(slices[0]?.map((r) => r.stationId));
    expect(next.every((r) => r.seq === 1)).toBe(true);
  });

  it('simulates the given number of stations for each profile', () => {
    const fleet = new Fleet({
      replicaId: 'r1',
      profiles: ['factory', 'environment', 'power_plant'],
      stations: 2,
      anomalyRate: 0,
      originTs: 0,
    });
    const readings = fleet.tick(Date.parse('2026-11-23T12:00:00.000Z'));
    expect(readings.map((r) => r.profile)).toEqual([
      'factory',
      'factory',
      'environment',
      'environment',
      'power_plant',
      'power_plant',
    ]);
  });
});

describe('loadProducerConfig', () => {
  const login = { KAFKA_SASL_USERNAME: 'producer', KAFKA_SASL_PASSWORD: 'a-long-password' };

  it('simulates every profile unless told otherwise, and names an unknown one', () => {
    expect(loadProducerConfig(login).profiles).toEqual(profileNames());
    expect(loadProducerConfig({ ...login, PRODUCER_PROFILES: 'factory, power_plant' }).profiles).toEqual([
      'factory',
      'power_plant',
    ]);
    expect(() => loadProducerConfig({ ...login, PRODUCER_PROFILES: 'factory,spaceship' })).toThrow(
      /PRODUCER_PROFILES: expected profiles of the profiles file: factory, environment/,
    );
  });

  it('refuses to start without a Kafka login, naming each missing variable', () => {
    expect(() => loadProducerConfig({})).toThrow(/KAFKA_SASL_USERNAME: required \(it is not set\)/);
    expect(() => loadProducerConfig({ KAFKA_SASL_USERNAME: 'producer' })).toThrow(
      /KAFKA_SASL_PASSWORD: required \(it is not set\)/,
    );
    expect(() => loadProducerConfig({ ...login, KAFKA_SASL_PASSWORD: 'short' })).toThrow(
      /KAFKA_SASL_PASSWORD: expected at least 8 characters/,
    );
  });
});
