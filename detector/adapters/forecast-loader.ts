import type { InMemoryForecastBook } from '../../scoring/forecast-band.model.js';
import type { ForecastRepository } from '../../storage/forecast.repository.js';

const HOUR_MS = 3_600_000;
/** The forecasts' prediction intervals are 95 %: half their width is 1.96 σ. */
const INTERVAL_Z = 1.96;

/**
 * Loads the current and the next hour's forecasts into the detector's forecast book, so readings of an
 * hour are judged against its forecast from its first second.
 */
export async function loadForecasts(
  repository: ForecastRepository,
  book: InMemoryForecastBook,
  now: number,
): Promise<number> {
  const current = Math.floor(now / HOUR_MS) * HOUR_MS;
  let loaded = 0;
  for (const hour of [current, current + HOUR_MS]) {
    const forecasts = await repository.forecastsOfHour(hour);
    book.setHour(
      hour,
      forecasts.map((f) => ({
        stationId: f.stationId,
        sensor: f.sensor,
        band: {
          predicted: f.predicted,
          forecastSigma: (f.upper - f.lower) / (2 * INTERVAL_Z),
          readingSigma: f.readingSigma,
        },
      })),
    );
    loaded += forecasts.length;
  }
  return loaded;
}
