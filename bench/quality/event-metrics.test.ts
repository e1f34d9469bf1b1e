import { describe, expect, it } from 'vitest';
import {
  countEvents,
  type EventCounts,
  emptyCounts,
  type JudgedReading,
  qualityOf,
} from './event-metrics.js';

/** `.` normal, `x` flagged normal, `s`/`S` spike unflagged/flagged, `d`/`D` drift unflagged/flagged. */
function series(text: string): JudgedReading[] {
  return [...text].map((c) => ({
    label: c === 's' || c === 'S' ? 'spike' : c === 'd' || c === 'D' ? 'drift' : null,
    flagged: c === 'x' || c === 'S' || c === 'D',
  }));
}

describe('countEvents', () => {
  it('counts a caught episode once, its delay, a missed one, and runs of false flags as one alarm each', () => {
    const counts = emptyCounts();
    const byKind = new Map<string, EventCounts>();
    countEvents(series('..S...ddDD....xx..x..s....'), { grace: 2, probation: 0 }, counts, byKind);
    expect(counts).toEqual({ episodes: 3, detected: 2, falseAlarms: 2, delays: [0, 2] });
    expect(byKind.get('drift')).toEqual({ episodes: 1, detected: 1, falseAlarms: 0, delays: [2] });
    expect(byKind.get('spike')).toMatchObject({ episodes: 2, detected: 1 });
    expect(byKind.get('none')?.falseAlarms).toBe(2);
  });

  it('lets flags in the grace readings after an episode count for it, not as false alarms', () => {
    const counts = emptyCounts();
    countEvents(series('..s.x.....'), { grace: 2, probation: 0 }, counts);
    expect(counts).toMatchObject({ episodes: 1, detected: 1, falseAlarms: 0 });
  });

  it('counts the labelled readings of one injected episode as one event, across readings it left unchanged', () => {
    // A downward shift of a count that is often 0 anyway: only its non-zero readings change, so are labelled.
    const judged = series('..d.d..dd.....d...').map((reading, i) => ({
      ...reading,
      episode: reading.label ? (i < 12 ? 1 : 2) : undefined,
      flagged: i === 5,
    }));
    const counts = emptyCounts();
    countEvents(judged, { grace: 0, probation: 0 }, counts);
    // Without episode numbers these would be four episodes, one caught, and the flag between two labelled
    // readings a false alarm.
    expect(counts).toEqual({ episodes: 2, detected: 1, falseAlarms: 0, delays: [3] });
  });

  it('ignores the probation period', () => {
    const counts = emptyCounts();
    countEvents(series('x.S.......S..'), { grace: 0, probation: 5 }, counts);
    expect(counts).toMatchObject({ episodes: 1, detected: 1, falseAlarms: 0 });
  });
});

describe('qualityOf', () => {
  it('turns counts into precision, recall, F1 and delay percentiles', () => {
    const q = qualityOf({ episodes: 10, detected: 8, falseAlarms: 2, delays: [0, 0, 0, 1, 1, 2, 3, 9] });
    expect(q.precision).toBeCloseTo(0.8, 12);
    expect(q.recall).toBeCloseTo(0.8, 12);
    expect(q.f1).toBeCloseTo(0.8, 12);
    expect(q.delayP50).toBe(1);
    expect(q.delayP95).toBe(9);
  });
});
