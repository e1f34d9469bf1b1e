import { describe, expect, it } from 'vitest';
import { profileOf } from '../common/reading/profiles.js';
import { ForecastBandModel, InMemoryForecastBook } from './forecast-band.model.js';
import { createScoringCore } from './scoring-core.js';

const HOUR = 3_600_000;

describe('forecast band model', () => {
  const book = new InMemoryForecastBook(2);
  book.setHour(10 * HOUR, [
    {
      stationId: 's1',
      sensor: 'temperature',
      band: { predicted: 20, forecastSigma: 0.6, readingSigma: 0.8 },
    },
  ]);

  it('when a reading is far outside its forecast, then it is a finding scaled like a z-score; near it, nothing', () => {
    const model = new ForecastBandModel(book);
    const observe = (value: number, ts = 10 * HOUR + 60_000) => ({
      stationId: 's1',
      profile: 'factory',
      profileSpec: profileOf('factory'),
      ts,
      values: { temperature: value, humidity: 45 },
    });
    expect(model.score(observe(24))).toEqual([]); // 4σ: the statistics' business, not the forecast's
    const [finding] = model.score(observe(26)); // 6σ (σ = 1)
    expect(finding).toMatchObject({ model: 'forecast', sensors: ['temperature'], severity: 'warning' });
    expect(finding?.score).toBeCloseTo(3);
    expect(model.score(observe(32))[0]?.severity).toBe('critical');
    expect(model.explain(finding as NonNullable<typeof finding>)).toBe(
      'temperature at 26, 6.0σ from its forecast 20.000 (σ 1.000)',
    );
    // No forecast for another hour or another station.
    expect(model.score(observe(40, 12 * HOUR))).toEqual([]);
  });

  it('keeps only the newest hours', () => {
    const kept = new InMemoryForecastBook(2);
    for (const hour of [1, 2, 3])
      kept.setHour(hour * HOUR, [
        { stationId: 's', sensor: 'x', band: { predicted: 1, forecastSigma: 1, readingSigma: 1 } },
      ]);
    expect(kept.size).toBe(2);
    expect(kept.bandsOf('s', HOUR)).toBeUndefined();
    expect(kept.bandsOf('s', 3 * HOUR)?.get('x')).toMatchObject({ predicted: 1 });
  });

  it('when the scoring core is given forecasts, then the forecast is one more model in its verdict', () => {
    const core = createScoringCore({ forecasts: book, without: ['kmeans', 'isolation_forest'] });
    expect(core.models.map((m) => m.name)).toContain('forecast');
    expect(createScoringCore().models.map((m) => m.name)).not.toContain('forecast');
  });
});
