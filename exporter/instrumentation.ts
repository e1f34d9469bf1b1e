// Loaded before the service itself (node --import), so OpenTelemetry patches modules before they load.
import { startTracing } from '../common/telemetry/tracing.js';

await startTracing('sensorwatch-exporter');
