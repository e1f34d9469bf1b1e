import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureDebianPackages } from './install/debian.js';
import { runCommandOrFail } from './process/run-command.js';
import { PROMETHEUS_SOURCE_DIR } from './services/prometheus.js';
import { DEBIAN_PACKAGES } from './versions.js';

/**
 * Runs promtool and amtool over the repository's Prometheus files: the config, every rule file, and every rule test
 * (prometheus/tests/*.test.yml), so a broken expression or a wrong alert fails CI before it ships.
 */
export async function checkPrometheusConfig(log: (line: string) => void): Promise<void> {
  await ensureDebianPackages(DEBIAN_PACKAGES, ['promtool', 'amtool'], log);
  const rulesDir = path.join(PROMETHEUS_SOURCE_DIR, 'rules');
  const testsDir = path.join(PROMETHEUS_SOURCE_DIR, 'tests');
  const ruleFiles = (await readdir(rulesDir))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(rulesDir, f));
  const testFiles = (await readdir(testsDir))
    .filter((f) => f.endsWith('.test.yml'))
    .map((f) => path.join(testsDir, f));

  // --syntax-only: the target files are generated per environment, so only the config itself is checked here.
  log(
    await runCommandOrFail('promtool check config', 'promtool', [
      'check',
      'config',
      '--syntax-only',
      path.join(PROMETHEUS_SOURCE_DIR, 'prometheus.yml'),
    ]),
  );
  log(await runCommandOrFail('promtool check rules', 'promtool', ['check', 'rules', ...ruleFiles]));
  log(
    await runCommandOrFail('amtool check-config', 'amtool', [
      'check-config',
      path.join(PROMETHEUS_SOURCE_DIR, 'alertmanager.yml'),
    ]),
  );
  log(
    await runCommandOrFail('promtool test rules', 'promtool', ['test', 'rules', ...testFiles], {
      cwd: testsDir,
    }),
  );
}
