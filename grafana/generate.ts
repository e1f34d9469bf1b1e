import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DASHBOARDS_DIR, renderDashboards } from './src/index.js';

/**
 * `npm run dashboards`: writes grafana/dashboards/*.json from the TypeScript sources, removing stale
 * dashboard files. (Alert rules have one source, prometheus/rules/: see docs/dashboards.md.)
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
