import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../config.js';
import type { StackPaths } from '../paths.js';
import type { ProcessSpec } from '../process/supervisor.js';
import { ALERTMANAGER, CASSANDRA, HOST, KAFKA_NODES, PROMETHEUS } from '../topology.js';

export const PROMETHEUS_SOURCE_DIR = path.join(REPO_ROOT, 'prometheus');

/** One entry of a Prometheus file_sd target file. */
export interface FileSdGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** The native stack's scrape targets, one group per service so each carries its service name as `instance`. */
export function nativeScrapeTargets(): Record<string, FileSdGroup[]> {
  const target = (address: string, instance: string): FileSdGroup => ({
    targets: [address],
    labels: { instance },
  });
  return {
    prometheus: [target(`${HOST}:${PROMETHEUS.port}`, PROMETHEUS.name)],
    alertmanager: [target(`${HOST}:${ALERTMANAGER.port}`, ALERTMANAGER.name)],
    kafka: KAFKA_NODES.map((n) => target(`${HOST}:${n.jmxExporterPort}`, n.name)),
    cassandra: [target(`${HOST}:${CASSANDRA.jmxExporterPort}`, CASSANDRA.name)],
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
export async function preparePrometheus(paths: StackPaths): Promise<void> {
  const files = prometheusFiles(paths);
  await mkdir(path.join(files.conf, 'targets'), { recursive: true });
  await mkdir(files.data, { recursive: true });
  await cp(path.join(PROMETHEUS_SOURCE_DIR, 'prometheus.yml'), files.config);
  await rm(path.join(files.conf, 'rules'), { recursive: true, force: true });
  await symlink(path.join(PROMETHEUS_SOURCE_DIR, 'rules'), path.join(files.conf, 'rules'));
  for (const [job, groups] of Object.entries(nativeScrapeTargets())) {
    await writeFile(path.join(files.conf, 'targets', `${job}.json`), `${JSON.stringify(groups, null, 2)}\n`);
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
