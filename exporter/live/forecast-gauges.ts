import { Gauge, type Registry } from 'prom-client';
import type {
  ForecastRepository,
  StoredAccuracy,
  StoredForecast,
} from '../../storage/forecast.repository.js';

/**
 * What the forecast gauges draw from: the current hour's forecasts and the latest accuracy figures,
 * reloaded from Cassandra every so often (not at each scrape: a scrape must not wait on a query).
 */
export class ForecastSnapshot {
  forecasts: readonly StoredForecast[] = [];
  accuracy: readonly StoredAccuracy[] = [];

  constructor(
    private readonly repository: ForecastRepository,
    /** Most forecast series exported (stations × sensors): protects Prometheus. */
    private readonly maxSeries: number,
  ) {}

  async refresh(now: number): Promise<void> {
    const forecasts = await this.repository.forecastsOfHour(now);
    this.forecasts = forecasts.slice(0, this.maxSeries);
    this.accuracy = await this.repository.accuracy();
  }
}

const MEASURES = ['rmse', 'mae', 'r2', 'mape'] as const;

/**
 * `sensorwatch_forecast{profile,station,sensor,bound}`: the current hour's forecast of each sensor's
 * mean with its prediction interval, drawn against `sensorwatch_sensor_value` in Grafana; and
 * `sensorwatch_forecast_accuracy{profile,model,measure}`: Holt-Winters and the seasonal-naive baseline,
 * scored on the hours that have actuals.
 */
export function registerForecastGauges(registry: Registry, snapshot: ForecastSnapshot): void {
  new Gauge({
    name: 'sensorwatch_forecast',
    help: 'Forecast of a sensor’s mean over the current hour (bound: predicted, lower, upper of the 95 % interval).',
    labelNames: ['profile', 'station', 'sensor', 'bound'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of snapshot.forecasts) {
        const labels = { profile: f.profile, station: f.stationId, sensor: f.sensor };
        this.set({ ...labels, bound: 'predicted' }, f.predicted);
        this.set({ ...labels, bound: 'lower' }, f.lower);
        this.set({ ...labels, bound: 'upper' }, f.upper);
      }
    },
  });
  new Gauge({
    name: 'sensorwatch_forecast_accuracy',
    help: 'Forecast accuracy per profile and model over the scored hours (measure: rmse, mae, r2, mape in %).',
    labelNames: ['profile', 'model', 'measure'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const a of snapshot.accuracy) {
        for (const measure of MEASURES) {
          const value = a[measure];
          if (value !== null) this.set({ profile: a.profile, model: a.model, measure }, value);
        }
      }
    },
  });
  new Gauge({
    name: 'sensorwatch_forecast_scored_hours',
    help: 'Forecast hours scored against actuals, per profile and model.',
    labelNames: ['profile', 'model'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const a of snapshot.accuracy) this.set({ profile: a.profile, model: a.model }, a.points);
    },
  });
}
