import { deserialize, serialize } from 'node:v8';

/**
 * What the models have learnt about stations, taken out of a running scoring core and put into another,
 * so a restarted or rebalanced detector judges each station's next reading exactly as the one before it
 * would have. Kafka Streams keeps state stores in changelog topics, Flink checkpoints operator state with
 * the source offsets; this is the scoring core's half of that: the state itself, encoded and versioned.
 * Where it is kept, and with which offset, is the detector's business.
 */

/**
 * The layout of the encoded state. Raise it whenever a model's learnt state changes shape or meaning: an
 * older state is then refused (StateVersionError) rather than misread, and the station starts cold or is
 * rebuilt from its stored history.
 */
// 2: the statistics model learns log-scale rate sums and two-state switching (2026-12-02).
// 3: a count learns how often each of its values repeats (2026-12-02).
// 4: each sensor learns how high its scores usually rise at each time of day (2026-12-02).
// 5: an idle-mostly sensor learns its steps within bursts apart from its steps into them (2026-12-02).
// 6: a series keeps its three rings in one array, and no room to sort medians in (2026-12-03).
// 7: a series keeps its moving statistics, rings, tail gauge and switch runs in one array (2026-12-03).
export const STATION_STATE_VERSION = 7;

/** A model that keeps state per station, and can hand it over. */
export interface StationStateHolder {
  /** Unique among the core's models (two seasonal profiles share a name, not a state key). */
  readonly stateKey: string;
  /** The state of each of `stations` the model has any of. Read-only: it changes nothing. */
  exportStations(stations: ReadonlySet<string>): Map<string, unknown>;
  /** Puts an exported state of a station in place (after forgetStations, it replaces what was there). */
  importStation(stationId: string, state: unknown): void;
  /** Drops everything the model knows of the stations: they start cold. */
  forgetStations(stations: ReadonlySet<string>): void;
}

export function holdsStationState(model: object): model is StationStateHolder {
  return typeof (model as Partial<StationStateHolder>).exportStations === 'function';
}

/**
 * A station's entries (its sensors' series, its rules' states), held in one map per station: a station's
 * entries are found, exported and dropped without walking every station's (a restore puts back thousands
 * of stations one at a time), and a reading's lookups hash no new string. A key joined from station and
 * sensor is a fresh string every reading, and hashing it cost a seventh of the scoring core's time.
 */
export class StationKeyedMap<T> {
  private readonly stations = new Map<string, Map<string, T>>();

  /** The station's entries, by key; undefined for a station with none. Read-only to callers. */
  of(station: string): ReadonlyMap<string, T> | undefined {
    return this.stations.get(station);
  }

  get(station: string, key: string): T | undefined {
    return this.stations.get(station)?.get(key);
  }

  set(station: string, key: string, value: T): void {
    let entries = this.stations.get(station);
    if (!entries) {
      entries = new Map();
      this.stations.set(station, entries);
    }
    entries.set(key, value);
  }

  /** Entries of every station: read for a gauge at each scrape, not per reading. */
  get size(): number {
    let size = 0;
    for (const entries of this.stations.values()) size += entries.size;
    return size;
  }

  /** Every entry, as station, key and value. */
  *entries(): IterableIterator<[string, string, T]> {
    for (const [station, entries] of this.stations) {
      for (const [key, value] of entries) yield [station, key, value];
    }
  }

  /** The entries of each of `stations` that has any, by station, each under its key. */
  byStation(stations: ReadonlySet<string>): Map<string, Record<string, T>> {
    const grouped = new Map<string, Record<string, T>>();
    for (const station of stations) {
      const entries = this.stations.get(station);
      if (entries) grouped.set(station, Object.fromEntries(entries));
    }
    return grouped;
  }

  /** Drops every entry of the stations. */
  forget(stations: Iterable<string>): void {
    for (const station of stations) {
      this.stations.delete(station);
    }
  }
}

/** An encoded state of another layout than this build's. */
export class StateVersionError extends Error {
  constructor(readonly found: unknown) {
    super(`station state of version ${String(found)}; this detector reads version ${STATION_STATE_VERSION}`);
    this.name = 'StateVersionError';
  }
}

export interface EncodedStates {
  readonly version: number;
  /** Station → model state key → that model's state of the station. */
  readonly stations: Map<string, Record<string, unknown>>;
  /** State that belongs to no one station (the multi-sensor models' training windows), if included. */
  readonly shared?: unknown;
}

/**
 * Binary, by V8's structured serialiser: typed arrays, maps, NaN and infinities survive (JSON would
 * lose all four), and it is written in C++, which matters for ten thousand stations.
 */
export function encodeStates(states: EncodedStates): Buffer {
  return serialize(states);
}

export function decodeStates(buffer: Buffer): EncodedStates {
  const decoded = deserialize(buffer) as Partial<EncodedStates> | undefined;
  if (!decoded || decoded.version !== STATION_STATE_VERSION) throw new StateVersionError(decoded?.version);
  if (!(decoded.stations instanceof Map)) throw new StateVersionError('without stations');
  return decoded as EncodedStates;
}

/**
 * Copies decoded data (plain objects, as the serialiser gives them back) into a freshly built instance,
 * field by field, so it keeps its classes: where the instance holds an object of a class (statistics,
 * a tail gauge), the data is copied into that object in turn; anything else (numbers, typed arrays,
 * plain records, arrays) is taken as it comes.
 */
export function restoreInto<T extends object>(target: T, data: unknown): T {
  if (typeof data !== 'object' || data === null) throw new TypeError('state to restore is not an object');
  const fields = target as Record<string, unknown>;
  const source = data as Record<string, unknown>;
  // for…in rather than Object.entries: a restore runs this for every object of thousands of stations.
  for (const name in source) {
    const value = source[name];
    const current = fields[name];
    if (isClassInstance(current) && isPlainObject(value)) restoreInto(current, value);
    // Node's deserialiser hands back typed arrays that view the encoded buffer itself: a copy, or the
    // model would write into that buffer (and keep all of it alive), and a second import of it would
    // start from the first one's later state. Into the instance's own array where it has one of the same
    // kind and length: a part kept in a view of its owner's array (a sensor's tail gauge in its series'
    // numbers) stays in it.
    else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      if (sameKindAndLength(current, value)) (current as Float64Array).set(value as Float64Array);
      else fields[name] = (value as Float64Array).slice();
    } else fields[name] = value;
  }
  return target;
}

function sameKindAndLength(current: unknown, value: ArrayBufferView): boolean {
  return (
    ArrayBuffer.isView(current) &&
    current.constructor === value.constructor &&
    (current as Float64Array).length === (value as Float64Array).length
  );
}

function isClassInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (ArrayBuffer.isView(value) || Array.isArray(value) || value instanceof Map) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype !== Object.prototype && prototype !== null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
