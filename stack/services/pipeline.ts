import { REPO_ROOT } from '../config.js';
import { jemallocLibraryPath } from '../install/jemalloc.js';
import type { StackPaths } from '../paths.js';
import { buildServices, compiledServiceArgs } from '../process/spawned-service.js';
import { httpOk } from '../readiness.js';
import { HOST, PIPELINE } from '../topology.js';
import type { StackService } from './registry.js';

/**
 * V8 flags the detector is launched with (as NODE_OPTIONS, by the native stack, compose and the
 * benchmark; those NODE_OPTIONS refuses it sets on itself, detector/v8-flags.ts). Without a limit V8
 * lets its heap grow lazily towards gigabytes. A limit of 256 MB (chosen on Node.js 20 at 2 500/s) starved it on Node.js 24 at 3 000/s: a quarter to a third of its CPU went to
 * collecting, it spent 580–780 µs a reading and fell behind. With 384 MB it spent 173 µs and kept pace
 * (docs/benchmarks.md, "The detector's heap"). Young semi-spaces of 8 MB: 16 rather than 32 committed 26
 * MB less heap and 20 MB less RSS at 3 000/s, and 8 rather than 16 another 14 MB of heap and 19 MB of RSS
 * at 4 000/s, each for the same CPU (three alternating runs: 72–78 µs a reading against 75–78).
 * The detector's state grows with stations, about 20 KB each on V8's heap (and 20 KB of buffers) once
 * their weekly profiles exist (`npm run bench:state`), so more than some 7 000 stations per detector want a higher limit
 * (docs/operations.md).
 */
export const DETECTOR_NODE_OPTIONS = '--max-old-space-size=384 --max-semi-space-size=8';

/**
 * How the detector is launched (as environment variables, by the native stack and the benchmark; compose
 * sets the same): V8's flags above, and jemalloc in place of glibc's malloc. With glibc's, the main
 * thread's allocator heap held some 150 MB at 3 000 readings/s that it never gave back (freed buffers
 * among live ones); jemalloc returns freed pages, and the detector's RSS was about 75 MB smaller (medians
 * 451 and 375 MB, compiled) for the same CPU (docs/benchmarks.md, "The detector compiled, on jemalloc").
 */
export function detectorLaunchEnv(): Record<string, string> {
  return { NODE_OPTIONS: DETECTOR_NODE_OPTIONS, LD_PRELOAD: jemallocLibraryPath() };
}

/**
 * The native stack is for trying sensorwatch out: its detector trains its first models on a quarter of an
 * hour of readings (not a day) and measures drift every 15 s, so models, their versions and drift show
 * within minutes. Set any of these variables to override.
 */
const DEMO_DETECTOR = unlessSet({
  DETECTOR_MODEL_WINDOW_SPAN_S: '900',
  DETECTOR_MODEL_MIN_TRAINING: '200',
  DETECTOR_MODEL_RETRAIN_EVERY: '0',
  DETECTOR_DRIFT_CHECK_S: '15',
  DETECTOR_DRIFT_MIN_RECENT: '100',
  DETECTOR_FORECAST_POLL_S: '15',
});

/**
 * The exporter shows new forecasts within 15 s, and one client (a k6 load test, `npm run bench:api`) may
 * make 1000 requests a second: on a shared deployment the defaults (100/s) protect it from one client.
 */
const DEMO_EXPORTER = unlessSet({
  EXPORTER_FORECAST_REFRESH_S: '15',
  EXPORTER_RATE_LIMIT_PER_S: '1000',
  EXPORTER_RATE_LIMIT_BURST: '2000',
});

function unlessSet(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => process.env[key] === undefined));
}

/**
 * The pipeline's services as processes of the native stack: two producer replicas, the detector and the
 * exporter, each its real entry point compiled into dist/ first (as the image runs them; the tests and
 * benchmarks run them from source). They inherit the environment, so PRODUCER_STATIONS,
 * DETECTOR_WARNING_Z and the rest can be set on `npm start`.
 */
export function pipelineServices(_paths: StackPaths): StackService[] {
  const node = (entry: string, env: Record<string, string>, ports: Record<string, number>) => ({
    name: '',
    command: process.execPath,
    args: compiledServiceArgs(entry),
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    ports,
  });
  const service = (
    name: string,
    entry: string,
    env: Record<string, string>,
    ports: Record<string, number>,
    readyUrl: string,
    endpoints: Record<string, string>,
  ): StackService => ({
    name,
    prepare: buildServices,
    spec: () => ({ ...node(entry, env, ports), name }),
    probe: () => httpOk(readyUrl),
    endpoints,
  });

  const producers = PIPELINE.producers.map((p) =>
    service(
      p.name,
      'producer/main.ts',
      // Each replica its own id, so their station ids never clash.
      { PRODUCER_REPLICA_ID: p.replicaId, METRICS_PORT: String(p.metricsPort), METRICS_HOST: HOST },
      { metrics: p.metricsPort },
      `http://${HOST}:${p.metricsPort}/readyz`,
      { metrics: `http://${HOST}:${p.metricsPort}/metrics` },
    ),
  );
  const { detector, exporter } = PIPELINE;
  return [
    service(
      detector.name,
      'detector/main.ts',
      {
        ...DEMO_DETECTOR,
        ...unlessSet(detectorLaunchEnv()),
        METRICS_PORT: String(detector.metricsPort),
        METRICS_HOST: HOST,
      },
      { metrics: detector.metricsPort },
      `http://${HOST}:${detector.metricsPort}/readyz`,
      { metrics: `http://${HOST}:${detector.metricsPort}/metrics` },
    ),
    ...producers,
    service(
      exporter.name,
      'exporter/main.ts',
      { ...DEMO_EXPORTER, EXPORTER_PORT: String(exporter.port), EXPORTER_HOST: HOST },
      { http: exporter.port },
      `http://${HOST}:${exporter.port}/readyz`,
      {
        api: `http://${HOST}:${exporter.port}/api/summary`,
        openapi: `http://${HOST}:${exporter.port}/api/openapi.json`,
        metrics: `http://${HOST}:${exporter.port}/metrics`,
      },
    ),
  ];
}
