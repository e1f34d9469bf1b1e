import { Counter, Gauge, type Registry } from 'prom-client';
import type { LiveSensorState } from './live-sensor-state.js';

/**
 * Gauges drawn from the live state at each scrape, so Prometheus holds every station's sensors and
 * Grafana can draw them. Labels are bounded by the station cap. Series of a forgotten station are simply
 * not drawn again, and Prometheus marks them stale.
 */
export function registerLiveGauges(registry: Registry, state: LiveSensorState, now = () => Date.now()) {
  const registers = [registry];
  const expired = new Counter({
    name: 'sensorwatch_exporter_expired_stations_total',
    help: 'Stations forgotten after EXPORTER_STALE_AFTER_S without a reading; their series go stale.',
    registers,
  });
  const dropped = new Counter({
    name: 'sensorwatch_exporter_dropped_readings_total',
    help: 'Scored readings not exported because the station cap (EXPORTER_MAX_STATIONS) was reached.',
    registers,
  });
  const invalid = new Counter({
    name: 'sensorwatch_exporter_invalid_messages_total',
    help: 'Messages on the scored topic that are not scored readings; skipped.',
    registers,
  });
  // Registered first, so each scrape expires silent stations before the other gauges are drawn.
  new Gauge({
    name: 'sensorwatch_exporter_stations',
    help: 'Stations whose latest state this exporter replica holds and exports.',
    registers,
    collect() {
      expired.inc(state.expire(now()));
      this.set(state.size);
    },
  });
  new Gauge({
    name: 'sensorwatch_sensor_value',
    help: 'Latest value of each sensor of each station, in the sensor’s unit.',
    labelNames: ['profile', 'station', 'sensor'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of state.all()) {
        for (const [sensor, value] of Object.entries(s.values)) {
          // A dropout has no value to show: the series is absent for that scrape, not a made-up zero.
          if (value !== null) this.labels(s.profile, s.stationId, sensor).set(value);
        }
      }
    },
  });
  new Gauge({
    name: 'sensorwatch_sensor_anomaly_score',
    help: 'Latest |z| of each sensor of each station (absent while the detector warms up).',
    labelNames: ['profile', 'station', 'sensor'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of state.all()) {
        for (const [sensor, z] of Object.entries(s.zScores))
          this.labels(s.profile, s.stationId, sensor).set(Math.abs(z));
      }
    },
  });
  new Gauge({
    name: 'sensorwatch_station_anomaly_severity',
    help: 'Severity of each station’s latest reading: 0 normal, 1 warning, 2 critical.',
    labelNames: ['profile', 'station'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of state.all()) this.labels(s.profile, s.stationId).set(s.severityLevel);
    },
  });
  new Gauge({
    name: 'sensorwatch_station_last_reading_timestamp_seconds',
    help: 'Timestamp of each station’s latest reading; time() minus this is how long it has been silent.',
    labelNames: ['profile', 'station'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of state.all()) this.labels(s.profile, s.stationId).set(s.readingTs / 1000);
    },
  });
  return { dropped, invalid };
}
