import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runMain } from '../common/config/run-main.js';
import { missingSecretLines } from './compose-secrets.js';
import { REPO_ROOT } from './config.js';

/**
 * `npm run compose:env`: writes random values for the compose secrets into .env (git-ignored, mode 600),
 * which `docker compose` reads from the project folder. Run it once; changing a password later means
 * removing the volumes that hold users made with the old one.
 */
async function main(): Promise<void> {
  const file = path.join(REPO_ROOT, '.env');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = missingSecretLines(existing);
  if (lines.length === 0) {
    console.log(`${file} already sets every compose secret.`);
    return;
  }
  const prefix = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
  writeFileSync(file, `${prefix}${lines.join('\n')}\n`, { mode: 0o600 });
  console.log(`Wrote ${lines.length} secrets to ${file}: ${lines.map((l) => l.split('=')[0]).join(', ')}`);
}

runMain(main);
