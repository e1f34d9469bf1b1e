import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetOverviewDashboard } from './fleet-overview.js';
import { kafkaCassandraDashboard } from './kafka-cassandra.js';
import { modelQualityDashboard } from './model-quality.js';
import { pipelineHealthDashboard } from './pipeline-health.js';
import { stationDetailDashboard } from './station-detail.js';

export const DASHBOARDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');

/** Every dashboard, by the file it is generated to. */
export const DASHBOARDS = {
  'fleet-overview.json': fleetOverviewDashboard,
  'kafka-cassandra.json': kafkaCassandraDashboard,
  'model-quality.json': modelQualityDashboard,
  'pipeline-health.json': pipelineHealthDashboard,
  'station-detail.json': stationDetailDashboard,
} as const;

/** The JSON of every dashboard, exactly as committed under grafana/dashboards/. */
export function renderDashboards(): Map<string, string> {
  return new Map(
    Object.entries(DASHBOARDS).map(([file, build]) => [
      file,
      `${JSON.stringify(build().build(), null, 2)}\n`,
    ]),
  );
}
