/** Reading figures out of a Prometheus or OpenMetrics text exposition (the benchmark's only probe). */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A sample's value: a number, or the exposition format's NaN, +Inf and -Inf (a gauge may really be NaN).
 * The format takes what Go's ParseFloat takes, so their case varies: prom-client writes `Nan` (Node 24's
 * event-loop lag mean before its first sample). Anything else is a scrape gone wrong, and `Number` would
 * turn it into a NaN nobody asked for.
 */
function sampleValue(token: string, line: string): number {
  if (/^nan$/i.test(token)) return Number.NaN;
  if (/^\+?inf(inity)?$/i.test(token)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(token)) return Number.NEGATIVE_INFINITY;
  const value = Number(token);
  if (!Number.isFinite(value))
    throw new Error(`metrics text: "${line}": the value "${token}" is not a number`);
  return value;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1] as string,
        m[2] as string,
      ]),
    );
    samples.push({ name: match[1] as string, labels, value: sampleValue(match[4] as string, line) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `labels`. */
export function sumOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Cumulative bucket counts of a histogram by upper bound, summed over its other labels. */
export function bucketsOf(samples: readonly Sample[], name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return buckets;
}

/**
 * A quantile of the observations between two snapshots of a histogram, interpolated linearly within
 * its bucket as Prometheus' histogram_quantile does.
 */
export function quantileBetween(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  q: number,
): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if ((counts[i] as number) >= rank) {
      const upper = bounds[i] as number;
      const lower = i === 0 ? 0 : (bounds[i - 1] as number);
      if (!Number.isFinite(upper)) return lower;
      const below = i === 0 ? 0 : (counts[i - 1] as number);
      const inBucket = (counts[i] as number) - below;
      return lower + (upper - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1);
    }
  }
  return Number.NaN;
}
