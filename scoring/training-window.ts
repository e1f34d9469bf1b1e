/**
 * The recent normal residual vectors of each profile, a ring buffer per profile sampled in time: at most
 * one vector per span/capacity, so the window covers a whole daily cycle however many stations report
 * how often, and patterns that come once a day (a building's morning ramp) are in it. Models are trained
 * on it, and drift is measured on its newest part.
 */
export class TrainingWindows {
  private readonly profiles = new Map<string, ProfileWindow>();

  constructor(
    private readonly capacity: number,
    private readonly spanMs: number,
  ) {}

  /** Offers a vector; returns true if it was kept. */
  offer(profile: string, ts: number, vector: readonly number[]): boolean {
    let window = this.profiles.get(profile);
    if (!window) {
      window = { vectors: [], timestamps: [], next: 0, lastKept: Number.NEGATIVE_INFINITY, added: 0 };
      this.profiles.set(profile, window);
    }
    // Readings of different partitions arrive somewhat out of order: the spacing is a rate limit, both ways.
    if (Math.abs(ts - window.lastKept) < this.spanMs / this.capacity) return false;
    window.lastKept = ts;
    window.added += 1;
    if (window.vectors.length < this.capacity) {
      window.vectors.push(vector);
      window.timestamps.push(ts);
    } else {
      window.vectors[window.next] = vector;
      window.timestamps[window.next] = ts;
    }
    window.next = (window.next + 1) % this.capacity;
    return true;
  }

  size(profile: string): number {
    return this.profiles.get(profile)?.vectors.length ?? 0;
  }

  /** Vectors kept since the window was created (keeps counting after it is full). */
  added(profile: string): number {
    return this.profiles.get(profile)?.added ?? 0;
  }

  /** The window's vectors, oldest first, and the time they span. */
  contents(profile: string): { vectors: (readonly number[])[]; from: number; to: number } {
    const window = this.profiles.get(profile);
    if (!window || window.vectors.length === 0) return { vectors: [], from: 0, to: 0 };
    const full = window.vectors.length === this.capacity;
    const order = full
      ? [...window.vectors.keys()].map((i) => (i + window.next) % this.capacity)
      : [...window.vectors.keys()];
    return {
      vectors: order.map((i) => window.vectors[i] as readonly number[]),
      from: window.timestamps[order[0] as number] as number,
      to: window.timestamps[order[order.length - 1] as number] as number,
    };
  }

  /** Every profile's window, to be carried into another core (importProfiles). */
  exportProfiles(): Map<string, unknown> {
    return this.profiles;
  }

  importProfiles(profiles: Map<string, unknown>): void {
    this.profiles.clear();
    for (const [profile, window] of profiles) this.profiles.set(profile, window as ProfileWindow);
  }

  /** The newest `count` vectors. */
  newest(profile: string, count: number): (readonly number[])[] {
    const { vectors } = this.contents(profile);
    return vectors.slice(Math.max(0, vectors.length - count));
  }
}

interface ProfileWindow {
  readonly vectors: (readonly number[])[];
  readonly timestamps: number[];
  next: number;
  lastKept: number;
  added: number;
}
