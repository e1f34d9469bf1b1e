/**
 * What a station's learnt state costs to carry: bytes per station encoded and in memory (V8's heap, and
 * the typed arrays' buffers outside it), and the time to export and to restore the state of 10 000
 * stations (the figure a restarted or rebalanced detector waits for), measured on a simulated fleet whose
 * models have warmed up. Prints figures; asserts nothing.
 *
 *   npm run bench:state [-- --stations-per-profile 100 --readings 1000 --fleet 10000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { profileNames } from '../common/reading/profiles.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { encodeStates, STATION_STATE_VERSION } from '../scoring/station-state.js';
import { fleetOfStates, warmStationStates } from './support/warm-states.js';

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}

const { values: args } = parseArgs({
  options: {
    'stations-per-profile': { type: 'string', default: '100' },
    readings: { type: 'string', default: '1000' },
    fleet: { type: 'string', default: '10000' },
  },
});
const perProfile = positiveInteger('stations-per-profile', args['stations-per-profile']);
const readings = positiveInteger('readings', args.readings);
const fleet = positiveInteger('fleet', args.fleet);

// 1. Warmed-up states of every profile's stations, `readings` each (five minutes apart).
const warm = warmStationStates(perProfile, readings);
const warmSeconds = warm.seconds;

// 2. A fleet of `fleet` stations: the warmed-up states, copied under new ids.
const fleetStates = fleetOfStates(warm, fleet, 'fleet');
const fleetEncoded = encodeStates({
  version: STATION_STATE_VERSION,
  stations: fleetStates,
  shared: warm.shared,
});

// 3. Restore it into a fresh core, then export it again, timed; what the restored stations hold in memory.
// A full collection before each reading of the heap, so only what is live counts.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const liveBytes = () => {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
};
const restored = createScoringCore();
const beforeRestore = liveBytes();
const restoreStart = performance.now();
restored.importStations(fleetEncoded);
const restoreSeconds = (performance.now() - restoreStart) / 1000;
const afterRestore = liveBytes();
const memoryPerStation = {
  heap: (afterRestore.heapUsed - beforeRestore.heapUsed) / fleet,
  arrayBuffers: (afterRestore.arrayBuffers - beforeRestore.arrayBuffers) / fleet,
};
const exportStart = performance.now();
const exported = restored.exportStations(fleetStates.keys());
const exportSeconds = (performance.now() - exportStart) / 1000;

const figures = {
  warmedUp: { stations: warm.stations, readingsPerStation: readings, seconds: warmSeconds },
  fleet,
  bytes: exported.length,
  bytesPerStation: exported.length / fleet,
  restoreSeconds,
  restoreUsPerStation: (restoreSeconds * 1e6) / fleet,
  exportSeconds,
  exportUsPerStation: (exportSeconds * 1e6) / fleet,
  memoryBytesPerStation: memoryPerStation,
};

console.log(
  `Warmed up ${warm.stations} stations (${profileNames().length} profiles) on ${readings} readings each in ${warmSeconds.toFixed(1)} s.`,
);
console.log(
  `State of ${fleet} stations: ${(exported.length / 1e6).toFixed(1)} MB, ${Math.round(figures.bytesPerStation)} bytes per station.`,
);
console.log(
  `In memory: ${Math.round(memoryPerStation.heap)} bytes per station on V8's heap, and ${Math.round(memoryPerStation.arrayBuffers)} in typed arrays' buffers outside it.`,
);
console.log(
  `Restore: ${restoreSeconds.toFixed(2)} s (${figures.restoreUsPerStation.toFixed(0)} µs per station).`,
);
console.log(
  `Export:  ${exportSeconds.toFixed(2)} s (${figures.exportUsPerStation.toFixed(0)} µs per station).`,
);
const out = join(import.meta.dirname, 'out');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'state.json'), `${JSON.stringify(figures, null, 2)}\n`);
console.log(`Figures written to ${join(out, 'state.json')}`);
