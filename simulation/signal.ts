import { gammaDraw, poissonDraw, type Random } from '../common/random.js';
import type { SeasonSpec, SensorSpec } from '../common/reading/profiles.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The normal behaviour of one sensor: a mean-reverting random walk around a level that follows the
 * sensor's seasonal shape and drifts slowly. Without momentum the walk is an Ornstein–Uhlenbeck process
 * stepped with its exact discretisation, so its spread is the spec's stdDev whatever the reading interval
 * (https://en.wikipedia.org/wiki/Ornstein%E2%80%93Uhlenbeck_process). With momentum, part of the last
 * step's trend carries into the next (an AR(2) walk); the noise is scaled so the spread stays stdDev.
 */
export class SensorSignal {
  private deviation: number;
  private lastStep = 0;
  private lastTs: number | undefined;

  constructor(
    private readonly spec: SensorSpec,
    private readonly random: Random,
    private readonly originTs: number,
  ) {
    this.deviation = random.gaussian() * spec.stdDev * spec.noise;
  }

  /** The expected value at time `ts`: the level, shaped by the season, plus drift since the origin. */
  meanAt(ts: number): number {
    const { mean, stdDev, season, driftPerDay } = this.spec;
    const drift = (driftPerDay * stdDev * (ts - this.originTs)) / DAY_MS;
    // Drift moves the daytime level (a panel ageing), never the night's exact zero.
    if (season?.shape === 'daylight') return (mean + drift) * daylight(season, ts);
    return mean + seasonalOffset(season, ts) * stdDev + drift;
  }

  /** Advances the walk to `ts` (which must not go backwards) and returns the value there. */
  valueAt(ts: number): number {
    const dtHours = this.lastTs === undefined ? 0 : Math.max(0, ts - this.lastTs) / HOUR_MS;
    this.lastTs = ts;
    const { reversionPerHour, momentum } = this.spec.walk;
    const keep = Math.exp(-reversionPerHour * dtHours);
    const a1 = keep + momentum;
    const a2 = -momentum;
    // Stationary variance of x_t = a1·x_{t-1} + a2·x_{t-2} + e is σe²·(1 − a2) / ((1 + a2)((1 − a2)² − a1²)).
    const gain = ((1 + a2) * ((1 - a2) ** 2 - a1 ** 2)) / (1 - a2);
    // `noise` 0 is a noise-free signal: the season alone (a random draw is still taken, so adding noise
    // to one sensor does not change the others' streams).
    const noise = this.spec.noise * this.spec.stdDev * Math.sqrt(Math.max(0, gain)) * this.random.gaussian();
    const next = keep * this.deviation + momentum * this.lastStep + noise;
    this.lastStep = next - this.deviation;
    this.deviation = next;
    const { season } = this.spec;
    // Sunlight scales the noise too: a solar plant at night reports exactly nothing.
    const scale = season?.shape === 'daylight' ? daylight(season, ts) : 1;
    const level = this.meanAt(ts) + scale * this.deviation;
    if (this.spec.idle && !this.burstGoesOn(this.spec.idle)) return this.spec.validRange[0];
    if (this.spec.counts) return countDraw(Math.max(0, level), this.spec.counts.dispersion, this.random);
    return level;
  }

  /**
   * An idle-mostly sensor (a rain gauge, a sub-meter) as a two-state chain: bursts of activity lasting
   * `burstReadings` on average, started often enough to be active on `activeShare` of readings, and its
   * range's lower bound (0) in between.
   */
  private active = false;
  private burstGoesOn(idle: { activeShare: number; burstReadings: number }): boolean {
    const end = 1 / idle.burstReadings;
    const start = (idle.activeShare * end) / (1 - idle.activeShare);
    this.active = this.active ? this.random.next() >= end : this.random.next() < start;
    return this.active;
  }
}

/**
 * A count with mean `rate`: Poisson, or negative binomial (a gamma-mixed Poisson, variance
 * rate + rate²/dispersion) when a dispersion is given: the heavy tail of error counts and visitor bursts.
 */
export function countDraw(rate: number, dispersion: number | undefined, random: Random): number {
  const mean = dispersion === undefined ? rate : gammaDraw(dispersion, random) * (rate / dispersion);
  return poissonDraw(mean, random);
}

/** h clamped to [0, 1]. */
function ramp(h: number): number {
  return Math.min(1, Math.max(0, h));
}

/** The season's offset from the mean at `ts`, in standard deviations. */
function seasonalOffset(season: SeasonSpec | undefined, ts: number): number {
  if (!season) return 0;
  const hour = hourOfDay(ts);
  switch (season.shape) {
    case 'daily':
      return season.amplitude * Math.cos((2 * Math.PI * (hour - season.peakHour)) / 24);
    case 'working_hours': {
      // Weekdays only; ramps over an hour at each end so the load does not jump.
      const weekday = new Date(ts).getUTCDay();
      if (weekday === 0 || weekday === 6) return -season.amplitude;
      const working = Math.min(ramp(hour - season.startHour + 0.5), ramp(season.endHour + 0.5 - hour));
      return season.amplitude * (2 * working - 1);
    }
    case 'daylight':
      return 0;
    case 'square': {
      // On for the first onShare of each period, counted from the epoch so every station switches together.
      const phase = (((ts / 60_000) % season.periodMinutes) + season.periodMinutes) % season.periodMinutes;
      return phase < season.onShare * season.periodMinutes ? season.amplitude : -season.amplitude;
    }
  }
}

/** Share of peak sunlight at `ts`: a half sine between sunrise and sunset, 0 at night. */
function daylight(season: { sunriseHour: number; sunsetHour: number }, ts: number): number {
  const hour = hourOfDay(ts);
  const length = season.sunsetHour - season.sunriseHour;
  if (hour <= season.sunriseHour || hour >= season.sunsetHour) return 0;
  return Math.sin((Math.PI * (hour - season.sunriseHour)) / length);
}

function hourOfDay(ts: number): number {
  return (((ts % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}
