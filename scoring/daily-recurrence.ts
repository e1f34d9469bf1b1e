/**
 * How high a sensor's scores usually rise at this time of day, beyond what they reach at any time: a
 * cron job's load spike at 03:15, a heating plant's morning start, a nightly upload. A moving level cannot
 * learn such a thing (it is gone again within minutes), so without this the sensor alarms at the same
 * time every day. HTM learns it as a sequence it has seen before; here it is a memory per quarter hour.
 *
 * For each quarter hour of the day (UTC) it keeps the highest score that quarter's readings reached on
 * each of the last three days, and takes their median as the quarter's usual peak: what happened on two
 * days of three recurs, a fault that came once does not (a moving mean over days let each random fault
 * discount the same quarter for days, and cost the simulator's week-long runs a point of recall). Beside
 * it, the mean of every quarter's peak: what any quarter reaches, noise and faults included. The excess of
 * this quarter's usual peak over that is what the time of day explains, and is taken off the score.
 *
 * Silent for a quarter until it has been seen on two days (the median of one peak and two empty slots is 0).
 * 288 bytes per sensor (peaks in tenths, up to 25.5), allocated when its first quarter closes; O(1) per
 * reading.
 */
export class DailyRecurrence {
  /** Per quarter hour, its peak score on each of the last DAYS days, in tenths, at quarter × DAYS + day % DAYS. */
  private peaks: Uint8Array | undefined;
  /** The moving mean of every quarter's peak. */
  private typical = 0;
  /** Quarter-hour visits closed so far. */
  private visits = 0;
  /** The visit open now: its day since the epoch, its quarter of that day, and its highest score. */
  private day = -1;
  private quarter = -1;
  private visitPeak = 0;

  /** The score the time of day of `ts` usually shows beyond any other time (0 if none, or not yet known). */
  excessAt(ts: number): number {
    const peaks = this.peaks;
    if (peaks === undefined) return 0;
    const at = quarterOf(ts) * DAYS;
    const a = peaks[at] as number;
    const b = peaks[at + 1] as number;
    const c = peaks[at + 2] as number;
    const median = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    return Math.max(0, median / 10 - this.typical);
  }

  /** Takes a reading's score, as judged before any discount, into its quarter hour's visit. */
  learn(ts: number, score: number): void {
    const day = Math.floor(ts / DAY_MS);
    const quarter = quarterOf(ts);
    if (quarter !== this.quarter || day !== this.day) {
      if (this.quarter >= 0) this.closeVisit();
      this.day = day;
      this.quarter = quarter;
      this.visitPeak = 0;
    }
    if (score > this.visitPeak) this.visitPeak = score;
  }

  private closeVisit(): void {
    this.peaks ??= new Uint8Array(QUARTERS * DAYS);
    // Each day overwrites its own slot: the one it had three days ago. A day the sensor was silent in that
    // quarter leaves the older day's peak there.
    this.peaks[this.quarter * DAYS + (this.day % DAYS)] = Math.min(255, Math.round(this.visitPeak * 10));
    this.visits += 1;
    // An exact mean at first, then a memory of about TYPICAL_VISITS visits (five days of quarters).
    this.typical += Math.max(1 / this.visits, 1 / TYPICAL_VISITS) * (this.visitPeak - this.typical);
  }
}

const DAY_MS = 86_400_000;
/** Quarter hours in a day. */
const QUARTERS = 96;
const QUARTER_MS = DAY_MS / QUARTERS;
/** Days remembered per quarter: their median is the quarter's usual peak. */
const DAYS = 3;
const TYPICAL_VISITS = 500;

function quarterOf(ts: number): number {
  return Math.floor((ts - Math.floor(ts / DAY_MS) * DAY_MS) / QUARTER_MS);
}
