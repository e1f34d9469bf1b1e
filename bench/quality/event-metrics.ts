/**
 * Detection quality counted in events, the way an operator meets it: an injected anomaly episode is
 * caught if the detector flags any of its readings (or the few right after it, while the signal settles);
 * a false alarm is a run of consecutive flags that touches no episode. Precision is caught episodes over
 * caught episodes plus false alarms; recall is caught episodes over all episodes.
 */

/** One reading of one station, in order: its ground-truth label and whether the detector flagged it. */
export interface JudgedReading {
  readonly label: string | null;
  readonly flagged: boolean;
  /**
   * Which injected episode labelled it, when known. Labelled readings of one episode are one event even
   * with unchanged readings between them (a fault a bound hid for a while); without it, each run of
   * consecutive labels of one kind is an event.
   */
  readonly episode?: number;
}

export interface EventCounts {
  episodes: number;
  detected: number;
  falseAlarms: number;
  /** Readings from an episode's first reading to its first flag, for each detected episode. */
  readonly delays: number[];
}

export interface EventOptions {
  /** Readings after an episode whose flags still belong to it (the signal returning to normal). */
  readonly grace: number;
  /** Leading readings that are not scored (models warming up); episodes starting there are skipped. */
  readonly probation: number;
}

export function emptyCounts(): EventCounts {
  return { episodes: 0, detected: 0, falseAlarms: 0, delays: [] };
}

/** Adds one station's series to `counts`, per label kind in `byKind` as well. */
export function countEvents(
  series: readonly JudgedReading[],
  options: EventOptions,
  counts: EventCounts,
  byKind?: Map<string, EventCounts>,
): void {
  // Which episode (by index) each reading belongs to, with grace readings attached to the episode before.
  const episodeOf = new Array<number>(series.length).fill(-1);
  const episodes: { start: number; end: number; kind: string; episode: number | undefined }[] = [];
  for (let i = 0; i < series.length; i++) {
    const label = series[i]?.label ?? null;
    if (label === null) continue;
    const previous = episodes[episodes.length - 1];
    const episode = series[i]?.episode;
    const continues =
      previous !== undefined &&
      previous.kind === label &&
      (episode === undefined ? previous.end === i - 1 : previous.episode === episode);
    if (continues) previous.end = i;
    else episodes.push({ start: i, end: i, kind: label, episode });
  }
  episodes.forEach((episode, index) => {
    const until = Math.min(series.length - 1, episode.end + options.grace);
    for (let i = episode.start; i <= until; i++) if ((episodeOf[i] as number) < 0) episodeOf[i] = index;
  });

  const kindCounts = (kind: string) => {
    if (!byKind) return undefined;
    let c = byKind.get(kind);
    if (!c) {
      c = emptyCounts();
      byKind.set(kind, c);
    }
    return c;
  };

  for (const episode of episodes) {
    if (episode.start < options.probation) continue;
    const until = Math.min(series.length - 1, episode.end + options.grace);
    let first = -1;
    for (let i = episode.start; i <= until; i++) {
      if (series[i]?.flagged) {
        first = i;
        break;
      }
    }
    for (const c of [counts, kindCounts(episode.kind)]) {
      if (!c) continue;
      c.episodes += 1;
      if (first >= 0) {
        c.detected += 1;
        c.delays.push(first - episode.start);
      }
    }
  }

  let inAlarm = false;
  for (let i = options.probation; i < series.length; i++) {
    const falseFlag = Boolean(series[i]?.flagged) && (episodeOf[i] as number) < 0;
    if (falseFlag && !inAlarm) {
      counts.falseAlarms += 1;
      const unlabelled = kindCounts('none');
      if (unlabelled) unlabelled.falseAlarms += 1;
    }
    inAlarm = falseFlag;
  }
}

export interface Quality {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly episodes: number;
  readonly detected: number;
  readonly falseAlarms: number;
  /** Median and 95th percentile of the readings it took to detect an episode. */
  readonly delayP50: number;
  readonly delayP95: number;
}

export function qualityOf(counts: EventCounts): Quality {
  const precision =
    counts.detected + counts.falseAlarms === 0 ? 1 : counts.detected / (counts.detected + counts.falseAlarms);
  const recall = counts.episodes === 0 ? 1 : counts.detected / counts.episodes;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const sorted = [...counts.delays].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0
      ? Number.NaN
      : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
  return {
    precision,
    recall,
    f1,
    episodes: counts.episodes,
    detected: counts.detected,
    falseAlarms: counts.falseAlarms,
    delayP50: at(0.5),
    delayP95: at(0.95),
  };
}

export function mergeCounts(target: EventCounts, source: EventCounts): void {
  target.episodes += source.episodes;
  target.detected += source.detected;
  target.falseAlarms += source.falseAlarms;
  target.delays.push(...source.delays);
}
