import type { ScoredReading } from '../scoring/scored-reading.js';

/** A change to the citizen-facing warnings table (`active_warnings`). */
export type WarningWrite =
  | {
      readonly kind: 'upsert';
      readonly profile: string;
      readonly stationId: string;
      readonly sensor: string;
      readonly severity: string;
      readonly direction: string;
      readonly threshold: number;
      readonly value: number;
      readonly since: number;
      readonly message: string;
      readonly ts: number;
    }
  | {
      readonly kind: 'delete';
      readonly profile: string;
      readonly stationId: string;
      readonly sensor: string;
      readonly severity: string;
    };

export interface WarningPlan {
  readonly writes: WarningWrite[];
  /** Records the plan as written; call only once the writes succeeded, so a failed chunk plans them again. */
  apply(): void;
}

interface Written {
  readonly profile: string;
  readonly since: number;
  readonly writtenAt: number;
}

/**
 * Turns the threshold-rule findings of scored readings into the few writes that keep `active_warnings`
 * current: a row when a rule starts firing, its value refreshed at most every `refreshMs` (the rows expire
 * by TTL, so a warning whose detector died does not stay forever), and a delete once a reading of that
 * sensor comes without the finding (the rule's hysteresis has cleared it).
 */
export class WarningTracker {
  private readonly written = new Map<string, Written>();
  private readonly byStation = new Map<string, Set<string>>();

  constructor(private readonly refreshMs = 30_000) {}

  plan(readings: readonly ScoredReading[], now: number): WarningPlan {
    const writes: WarningWrite[] = [];
    // What the chunk leaves written, applied on success: later readings of a station override earlier ones.
    const after = new Map<string, Written | undefined>();
    // The keys the chunk touched, by station, so a reading finds its station's warnings without a scan.
    const touched = new Map<string, Set<string>>();
    const current = (key: string) => (after.has(key) ? after.get(key) : this.written.get(key));
    for (const { reading, verdict } of readings) {
      const known = this.byStation.get(reading.stationId);
      let pending = touched.get(reading.stationId);
      // The hot path: a station with no warning written or pending and no rule finding costs nothing.
      if (!known && !pending && !verdict.findings.some((f) => f.model === 'rules')) continue;
      const firing = new Set<string>();
      for (const finding of verdict.findings) {
        if (finding.model !== 'rules') continue;
        const sensor = finding.sensors[0] as string;
        const key = keyOf(reading.stationId, sensor, finding.severity);
        firing.add(key);
        const since = Number(finding.facts.since);
        const known = current(key);
        if (known && known.since === since && now - known.writtenAt < this.refreshMs) continue;
        writes.push({
          kind: 'upsert',
          profile: reading.profile,
          stationId: reading.stationId,
          sensor,
          severity: finding.severity,
          direction: String(finding.facts.direction),
          threshold: Number(finding.facts.limit),
          value: Number(finding.facts.value),
          since,
          message: String(finding.facts.message),
          ts: Date.parse(reading.ts),
        });
        after.set(key, { profile: reading.profile, since, writtenAt: now });
        if (!pending) {
          pending = new Set();
          touched.set(reading.stationId, pending);
        }
        pending.add(key);
      }
      for (const key of new Set([...(known ?? []), ...(pending ?? [])])) {
        if (firing.has(key) || !current(key)) continue;
        const [, sensor, severity] = key.split('\u0000') as [string, string, string];
        // A reading without the sensor's value (a dropout) says nothing about the rule.
        if (reading.values[sensor] === null || reading.values[sensor] === undefined) continue;
        writes.push({
          kind: 'delete',
          profile: reading.profile,
          stationId: reading.stationId,
          sensor,
          severity,
        });
        after.set(key, undefined);
      }
    }
    return {
      writes,
      apply: () => {
        for (const [key, written] of after) {
          const stationId = key.split('\u0000')[0] as string;
          if (written) {
            this.written.set(key, written);
            let keys = this.byStation.get(stationId);
            if (!keys) {
              keys = new Set();
              this.byStation.set(stationId, keys);
            }
            keys.add(key);
          } else {
            this.written.delete(key);
            const keys = this.byStation.get(stationId);
            keys?.delete(key);
            if (keys?.size === 0) this.byStation.delete(stationId);
          }
        }
      },
    };
  }

  /** Warnings this tracker believes are written, for tests and metrics. */
  get active(): number {
    return this.written.size;
  }
}

function keyOf(stationId: string, sensor: string, severity: string): string {
  return `${stationId}\u0000${sensor}\u0000${severity}`;
}
