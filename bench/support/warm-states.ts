import { profileNames, profileOf } from '../../common/reading/profiles.js';
import { createScoringCore } from '../../scoring/scoring-core.js';
import { decodeStates } from '../../scoring/station-state.js';
import { SimulatedStation } from '../../simulation/station.js';

const ORIGIN = Date.parse('2026-01-05T00:00:00Z');
const INTERVAL_MS = 5 * 60_000;

export interface WarmStates {
  /** Every profile's stations, their models warmed up: station → model state key → state. */
  readonly states: Map<string, Record<string, unknown>>;
  /** The multi-sensor models' shared state. */
  readonly shared: unknown;
  readonly stations: number;
  readonly seconds: number;
}

/**
 * Station state as a running detector holds it: every profile's simulated stations scored on `readings`
 * readings each, five minutes apart (fixed start and seeds), so the daily and weekly profiles exist.
 * Benchmarks copy these states under new ids to make fleets of any size.
 */
export function warmStationStates(perProfile: number, readings: number): WarmStates {
  const core = createScoringCore();
  const stations = profileNames().flatMap((profile) =>
    Array.from({ length: perProfile }, (_, i) => ({
      profile,
      profileSpec: profileOf(profile),
      station: new SimulatedStation({
        stationId: `bench-${profile}-${i}`,
        profile,
        anomalyRate: 0.005,
        originTs: ORIGIN,
      }),
    })),
  );
  const started = performance.now();
  for (let t = 0; t < readings; t++) {
    const ts = ORIGIN + t * INTERVAL_MS;
    for (const { station, profile, profileSpec } of stations) {
      core.score({
        stationId: station.stationId,
        profile,
        profileSpec,
        ts,
        values: station.readingAt(ts).values,
      });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const warm = decodeStates(core.exportStations(stations.map((s) => s.station.stationId)));
  return { states: warm.stations, shared: warm.shared, stations: stations.length, seconds };
}

/** `count` stations named `prefix-<n>`, each with one of the warm states in turn. */
export function fleetOfStates(
  warm: WarmStates,
  count: number,
  prefix: string,
): Map<string, Record<string, unknown>> {
  const pool = [...warm.states.values()];
  const fleet = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < count; i++)
    fleet.set(`${prefix}-${i}`, pool[i % pool.length] as Record<string, unknown>);
  return fleet;
}
