import { loadStackConfig } from '../../stack/config.js';
import { installStack } from '../../stack/install/index.js';
import { pathsOf } from '../../stack/paths.js';
import { startProcess, stopProcess } from '../../stack/process/supervisor.js';
import { waitUntilReady } from '../../stack/readiness.js';
import { loadStackSecrets } from '../../stack/secrets.js';
import { stackServices } from '../../stack/services/registry.js';

/** Kills and restarts one broker of the running stack instance, as the broker-kill fault scenario does. */
export function brokerControl() {
  const config = loadStackConfig();
  const paths = pathsOf(config);
  return {
    async kill(name: string): Promise<void> {
      const outcome = await stopProcess(paths, name, { signal: 'SIGKILL' });
      if (outcome !== 'stopped') throw new Error(`${name}: expected to kill it, got ${outcome}`);
    },
    async restart(name: string, timeoutMs = 120_000): Promise<void> {
      const installed = await installStack(paths, () => {});
      const service = stackServices(paths, config, installed, loadStackSecrets(paths)).find(
        (s) => s.name === name,
      );
      if (!service) throw new Error(`no service ${name}`);
      await service.prepare();
      const record = await startProcess(paths, service.spec());
      await waitUntilReady(name, service.probe, { deadline: Date.now() + timeoutMs, record });
    },
  };
}
