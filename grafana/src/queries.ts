/**
 * Every PromQL expression the dashboards use, defined once so panels (and later alert rules and the
 * live-data check) share them. `$profile`, `$station` and `$sensor` are the dashboards' variables.
 */
export const QUERIES = {
  producedRate: 'sum by (profile) (rate(sensorwatch_readings_produced_total[$__rate_interval]))',
  storedRate: 'sum by (profile) (rate(sensorwatch_readings_stored_total[$__rate_interval]))',
  deadLetterRate: 'sum by (code) (rate(sensorwatch_readings_dead_lettered_total[$__rate_interval]))',
  anomalyRate: 'sum by (profile, severity) (rate(sensorwatch_anomalies_total[$__rate_interval]))',
  lagByPartition: 'sum by (partition) (sensorwatch_consumer_lag_messages)',
  lagSeconds:
    'sum(sensorwatch_consumer_lag_messages) / clamp_min(sum(rate(sensorwatch_readings_stored_total[$__rate_interval])), 1)',
  latencyHeatmap: 'sum by (le) (rate(sensorwatch_end_to_end_latency_seconds_bucket[$__rate_interval]))',
  latencyQuantile: (q: number) =>
    `histogram_quantile(${q}, sum by (le) (rate(sensorwatch_end_to_end_latency_seconds_bucket[$__rate_interval])))`,
  cassandraWriteP99:
    'histogram_quantile(0.99, sum by (le) (rate(sensorwatch_cassandra_write_seconds_bucket[$__rate_interval])))',
  cassandraWriteErrors:
    'sum by (retriable) (rate(sensorwatch_cassandra_write_errors_total[$__rate_interval]))',
  apiRequests:
    'sum by (route, status) (rate(sensorwatch_http_request_duration_seconds_count{job="exporter"}[$__rate_interval]))',
  apiLatencyP95:
    'histogram_quantile(0.95, sum by (le, route) (rate(sensorwatch_http_request_duration_seconds_bucket{job="exporter"}[$__rate_interval])))',
  checkpointAge: 'max by (partition) (sensorwatch_detector_checkpoint_age_seconds)',
  checkpointP99:
    'histogram_quantile(0.99, sum by (le) (rate(sensorwatch_detector_checkpoint_duration_seconds_bucket[$__rate_interval])))',
  restoreMeanSeconds:
    'sum by (instance) (sensorwatch_detector_state_restore_seconds_sum) / sum by (instance) (sensorwatch_detector_state_restore_seconds_count)',
  checkpointBytesRate: 'sum(rate(sensorwatch_detector_checkpoint_bytes_total[$__rate_interval]))',
  checkpointStationsRate: 'sum(rate(sensorwatch_detector_checkpoint_stations_total[$__rate_interval]))',
  stateReplayedRate: 'sum(rate(sensorwatch_detector_state_replayed_readings_total[$__rate_interval]))',
  stationsColdRate: 'sum by (reason) (rate(sensorwatch_detector_stations_cold_total[$__rate_interval]))',
  stationsHeld: 'sum by (instance, state) (sensorwatch_detector_stations)',
  detectorCpu: 'rate(process_cpu_seconds_total{job="detector"}[$__rate_interval])',
  detectorMemory: 'process_resident_memory_bytes{job="detector"}',
  detectorHeapShare:
    'nodejs_heap_size_used_bytes{job="detector"} / on (instance, job) sensorwatch_detector_heap_limit_bytes',
  sensorValue: 'sensorwatch_sensor_value{profile=~"$profile", station=~"$station", sensor=~"$sensor"}',
  sensorScore:
    'sensorwatch_sensor_anomaly_score{profile=~"$profile", station=~"$station", sensor=~"$sensor"}',
  stationSeverity: 'sensorwatch_station_anomaly_severity{profile=~"$profile", station=~"$station"}',
  stationSilentSeconds:
    'time() - sensorwatch_station_last_reading_timestamp_seconds{profile=~"$profile", station=~"$station"}',
  ruleLimits:
    'max by (profile, sensor, severity) (sensorwatch_rule_threshold{profile=~"$profile", sensor=~"$sensor", bound="fire"})',
  forecast:
    'max by (station, sensor, bound) (sensorwatch_forecast{profile=~"$profile", station=~"$station", sensor=~"$sensor"})',
  forecastAccuracy: 'max by (profile, model, measure) (sensorwatch_forecast_accuracy{profile=~"$profile"})',
  forecastRmseVsBaseline:
    'max by (profile) (sensorwatch_forecast_accuracy{profile=~"$profile", model="holt_winters", measure="rmse"}) / max by (profile) (sensorwatch_forecast_accuracy{profile=~"$profile", model="seasonal_naive", measure="rmse"})',
  anomalyScoreHeatmap:
    'sum by (le) (rate(sensorwatch_anomaly_score_bucket{profile=~"$profile"}[$__rate_interval]))',
  livePrecision:
    'sum by (profile) (rate(sensorwatch_detection_quality_readings_total{profile=~"$profile", outcome="true_positive"}[$__rate_interval])) / sum by (profile) (rate(sensorwatch_detection_quality_readings_total{profile=~"$profile", outcome=~"true_positive|false_positive"}[$__rate_interval]))',
  liveRecallByKind:
    'sum by (kind) (rate(sensorwatch_detection_quality_readings_total{profile=~"$profile", outcome="true_positive"}[$__rate_interval])) / sum by (kind) (rate(sensorwatch_detection_quality_readings_total{profile=~"$profile", outcome=~"true_positive|false_negative"}[$__rate_interval]))',
  findingsByModel:
    'sum by (model, kind) (rate(sensorwatch_detector_findings_total{profile=~"$profile"}[$__rate_interval]))',
  modelInUse:
    'max by (profile, version, trigger, pinned) (sensorwatch_detector_model_info{profile=~"$profile"})',
  modelAgeSeconds:
    'time() - max by (profile) (sensorwatch_detector_model_trained_timestamp_seconds{profile=~"$profile"})',
  featureDrift: 'max by (profile, feature) (sensorwatch_feature_drift_psi{profile=~"$profile"})',
  activeWarnings: 'sum by (profile, severity) (sensorwatch_active_warnings{profile=~"$profile"})',
  topAnomalousStations:
    'topk(10, sum by (station) (count_over_time((sensorwatch_station_anomaly_severity{profile=~"$profile"} > 0)[1h:1m])))',
  silentStations:
    'topk(10, time() - sensorwatch_station_last_reading_timestamp_seconds{profile=~"$profile"})',
  stationsReporting:
    'count by (profile) (sensorwatch_station_last_reading_timestamp_seconds{profile=~"$profile"})',
  kafkaBrokersUp: 'sum(up{job="kafka"})',
  kafkaActiveControllers: 'sum(kafka_controller_active_controller_count)',
  kafkaUnderReplicated: 'sum by (instance) (kafka_server_under_replicated_partitions)',
  kafkaOfflinePartitions: 'max(kafka_controller_offline_partitions)',
  kafkaUnderMinIsr: 'sum by (instance) (kafka_server_under_min_isr_partitions)',
  kafkaIsrShrinks: 'sum by (instance) (rate(kafka_server_isr_shrinks_total[$__rate_interval]))',
  kafkaMessagesIn: 'sum by (topic) (rate(kafka_server_topic_messages_in_total[$__rate_interval]))',
  kafkaRequestLatencyP99: 'max by (request) (kafka_network_request_total_time_seconds{quantile="0.99"})',
  cassandraLatencyP99: 'max by (scope) (cassandra_client_request_latency_seconds{quantile="0.99"})',
  cassandraPendingCompactions: 'sum by (instance) (cassandra_compaction_pending_tasks)',
  cassandraDropped: 'sum by (message_type) (rate(cassandra_dropped_messages_total[$__rate_interval]))',
  cassandraRequestErrors:
    'sum by (scope) (rate(cassandra_client_request_failures_total[$__rate_interval]) + rate(cassandra_client_request_timeouts_total[$__rate_interval]) + rate(cassandra_client_request_unavailables_total[$__rate_interval]))',
} as const;

/** Variable queries (Grafana's label_values), for the template variables. */
export const VARIABLE_QUERIES = {
  profile: 'label_values(sensorwatch_sensor_value, profile)',
  station: 'label_values(sensorwatch_sensor_value{profile=~"$profile"}, station)',
  sensor: 'label_values(sensorwatch_sensor_value{profile=~"$profile", station=~"$station"}, sensor)',
} as const;
