import { cp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../config.js';
import type { StackPaths } from '../paths.js';
import type { ProcessSpec } from '../process/supervisor.js';
import { ALERTMANAGER, CASSANDRA, HOST, KAFKA_NODES, PIPELINE, PROMETHEUS } from '../topology.js';

export const PROMETHEUS_SOURCE_DIR = path.join(REPO_ROOT, 'prometheus');

/** One entry of a Prometheus file_sd target file. */
export interface FileSdGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The native stack's scrape targets, one group per service so each carries its service name as
 * `instance`. Pipeline services are listed only while they run (`npm start` runs them, the tests do not),
 * so a stopped pipeline is not reported as targets down.
 */
export function nativeScrapeTargets(runningPipeline: readonly string[] = []): Record<string, FileSdGroup[]> {
  const target = (address: string, instance: string): FileSdGroup => ({
    targets: [address],
    labels: { instance },
  });
  const running = (name: string) => runningPipeline.includes(name);
  const { producers, detector, exporter } = PIPELINE;
  return {
    prometheus: [target(`${HOST}:${PROMETHEUS.port}`, PROMETHEUS.name)],
    alertmanager: [target(`${HOST}:${ALERTMANAGER.port}`, ALERTMANAGER.name)],
    kafka: KAFKA_NODES.map((n) => target(`${HOST}:${n.jmxExporterPort}`, n.name)),
    cassandra: [target(`${HOST}:${CASSANDRA.jmxExporterPort}`, CASSANDRA.name)],
    producer: producers.filter((p) => running(p.name)).map((p) => target(`${HOST}:${p.metricsPort}`, p.name)),
    detector: running(detector.name) ? [target(`${HOST}:${detector.metricsPort}`, detector.name)] : [],
    exporter: running(exporter.name) ? [target(`${HOST}:${exporter.port}`, exporter.name)] : [],
  };
}

function prometheusFiles(paths: StackPaths) {
  const conf = paths.conf(PROMETHEUS.name);
  return { conf, config: path.join(conf, 'prometheus.yml'), data: paths.data(PROMETHEUS.name) };
}

/**
 * Lays out the config folder: the repository's prometheus.yml copied, its rules linked (so an edit
 * takes effect on reload), and target files for this machine.
 */
export async function preparePrometheus(
  paths: StackPaths,
  runningPipeline: readonly string[] = [],
): Promise<void> {
  const files = prometheusFiles(paths);
  await mkdir(path.join(files.conf, 'targets'), { recursive: true });
  await mkdir(files.data, { recursive: true });
  await cp(path.join(PROMETHEUS_SOURCE_DIR, 'prometheus.yml'), files.config);
  await rm(path.join(files.conf, 'rules'), { recursive: true, force: true });
  await symlink(path.join(PROMETHEUS_SOURCE_DIR, 'rules'), path.join(files.conf, 'rules'));
  for (const [job, groups] of Object.entries(nativeScrapeTargets(runningPipeline))) {
    // Write then rename: Prometheus watches these files and must never read one half-written.
    const file = path.join(files.conf, 'targets', `${job}.json`);
    await writeFile(`${file}.tmp`, `${JSON.stringify(groups, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  }
}

export function prometheusProcessSpec(paths: StackPaths): ProcessSpec {
  const files = prometheusFiles(paths);
  return {
    name: PROMETHEUS.name,
    command: 'prometheus',
    args: [
      `--config.file=${files.config}`,
      `--storage.tsdb.path=${files.data}`,
      '--storage.tsdb.retention.time=15d',
      `--web.listen-address=${HOST}:${PROMETHEUS.port}`,
      // Histograms carry trace ids as exemplars; keep them so a graph leads to a trace.
      '--enable-feature=exemplar-storage',
      // POST /-/reload picks up rule edits without a restart.
      '--web.enable-lifecycle',
    ],
    ports: { http: PROMETHEUS.port },
  };
}

function alertmanagerFiles(paths: StackPaths) {
  const conf = paths.conf(ALERTMANAGER.name);
  return { conf, config: path.join(conf, 'alertmanager.yml'), data: paths.data(ALERTMANAGER.name) };
}

export async function prepareAlertmanager(paths: StackPaths): Promise<void> {
  const files = alertmanagerFiles(paths);
  await mkdir(files.conf, { recursive: true });
  await mkdir(files.data, { recursive: true });
  await cp(path.join(PROMETHEUS_SOURCE_DIR, 'alertmanager.yml'), files.config);
}

export function alertmanagerProcessSpec(paths: StackPaths): ProcessSpec {
  const files = alertmanagerFiles(paths);
  return {
    name: ALERTMANAGER.name,
    // Debian names the binary prometheus-alertmanager.
    command: 'prometheus-alertmanager',
    args: [
      `--config.file=${files.config}`,
      `--storage.path=${files.data}`,
      `--web.listen-address=${HOST}:${ALERTMANAGER.port}`,
      // A single instance: no gossip cluster port.
      '--cluster.listen-address=',
    ],
    ports: { http: ALERTMANAGER.port },
  };
}
