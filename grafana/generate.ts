import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderAlerting } from './src/alerting.js';
import { ALERTING_FILE, DASHBOARDS_DIR, renderDashboards } from './src/index.js';

/**
 * `npm run dashboards`: writes grafana/dashboards/*.json and grafana/provisioning/alerting/sensorwatch.yml
 * from the TypeScript sources, removing stale dashboard files.
 */
const rendered = renderDashboards();
await mkdir(DASHBOARDS_DIR, { recursive: true });
for (const file of await readdir(DASHBOARDS_DIR)) {
  if (file.endsWith('.json') && !rendered.has(file)) await rm(path.join(DASHBOARDS_DIR, file));
}
for (const [file, json] of rendered) {
  await writeFile(path.join(DASHBOARDS_DIR, file), json);
  console.log(`wrote grafana/dashboards/${file}`);
}
await mkdir(path.dirname(ALERTING_FILE), { recursive: true });
await writeFile(ALERTING_FILE, renderAlerting());
console.log('wrote grafana/provisioning/alerting/sensorwatch.yml');
