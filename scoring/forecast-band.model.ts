import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  severityOf,
  type Thresholds,
} from './model.js';

/** What the forecaster expects of one sensor of one station at one time. */
export interface ForecastBand {
  readonly predicted: number;
  /** Spread of the forecast of the hour's mean (from its prediction interval). */
  readonly forecastSigma: number;
  /** Spread of single readings around the hour's mean. */
  readonly readingSigma: number;
}

/** Forecasts the detector has loaded (from `forecasts_by_hour`), looked up per reading. */
export interface ForecastBook {
  /** The forecasts of a station's sensors for the hour of `ts`, if it has any. */
  bandsOf(stationId: string, ts: number): ReadonlyMap<string, ForecastBand> | undefined;
}

/** Forecasts held in memory by hour, replaced as the detector loads each hour's. */
export class InMemoryForecastBook implements ForecastBook {
  /** Hour → station → sensor: a lookup per reading and sensor builds no key strings (the hot path). */
  private readonly hours = new Map<number, Map<string, Map<string, ForecastBand>>>();

  constructor(private readonly keepHours = 3) {}

  /** Replaces the forecasts of one hour (start, ms), forgetting the oldest hours past `keepHours`. */
  setHour(hour: number, bands: Iterable<{ stationId: string; sensor: string; band: ForecastBand }>): void {
    const byStation = new Map<string, Map<string, ForecastBand>>();
    for (const { stationId, sensor, band } of bands) {
      let sensors = byStation.get(stationId);
      if (!sensors) {
        sensors = new Map();
        byStation.set(stationId, sensors);
      }
      sensors.set(sensor, band);
    }
    this.hours.set(hour, byStation);
    for (const old of [...this.hours.keys()].sort((a, b) => a - b).slice(0, -this.keepHours))
      this.hours.delete(old);
  }

  bandsOf(stationId: string, ts: number): ReadonlyMap<string, ForecastBand> | undefined {
    return this.hours.get(Math.floor(ts / 3_600_000) * 3_600_000)?.get(stationId);
  }

  get size(): number {
    let size = 0;
    for (const hour of this.hours.values()) for (const sensors of hour.values()) size += sensors.size;
    return size;
  }
}

export interface ForecastBandOptions extends Thresholds {
  /**
   * Distance from the forecast, in combined standard deviations, at which a reading is far outside the
   * forecast's prediction interval. Far past the statistics' own 3σ: the forecast judges the hour's
   * mean, so only readings the forecast could not possibly explain count.
   */
  readonly farZ: number;
}

export const DEFAULT_FORECAST_BAND: ForecastBandOptions = { ...DEFAULT_THRESHOLDS, farZ: 6 };

/**
 * One more detector signal: a reading far outside its sensor's forecast. The forecast (Holt-Winters on
 * hourly means, from the batch job) knows the daily cycle and trend the station should follow, so it
 * catches a level that drifted away slowly enough for the moving statistics to have followed it.
 */
export class ForecastBandModel implements AnomalyModel {
  readonly name = 'forecast';

  constructor(
    private readonly book: ForecastBook,
    private readonly options: ForecastBandOptions = DEFAULT_FORECAST_BAND,
  ) {}

  warmingUp(): boolean {
    return false;
  }

  score(observation: Observation): Finding[] {
    const bands = this.book.bandsOf(observation.stationId, observation.ts);
    // Most readings have no forecast: nothing more to do for them.
    if (!bands) return [];
    const findings: Finding[] = [];
    for (const [sensor, band] of bands) {
      const value = observation.values[sensor];
      if (value === null || value === undefined) continue;
      const sigma = Math.sqrt(band.forecastSigma ** 2 + band.readingSigma ** 2);
      if (!(sigma > 0)) continue;
      const distance = Math.abs(value - band.predicted) / sigma;
      if (distance < this.options.farZ) continue;
      // At farZ the finding is a warning; further out it scales like a z-score.
      const score = (distance / this.options.farZ) * this.options.warningZ;
      findings.push({
        model: this.name,
        kind: 'forecast',
        sensors: [sensor],
        score,
        severity: severityOf(score, this.options),
        facts: { value, predicted: band.predicted, sigma, distance },
      });
    }
    return findings;
  }

  learn(): void {}

  explain(finding: Finding): string {
    const f = finding.facts;
    const num = (name: string) => Number(f[name]);
    return `${finding.sensors[0]} at ${f.value}, ${num('distance').toFixed(1)}σ from its forecast ${num('predicted').toFixed(3)} (σ ${num('sigma').toFixed(3)})`;
  }
}
