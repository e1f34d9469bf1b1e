import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The version compared; pinned like every other tool the stack downloads. */
export const CONFLUENT_VERSION = '1.10.1';

/**
 * Builds @confluentinc/kafka-javascript into `cacheDir` once and returns the folder to load it from.
 *
 * Its install script fetches a prebuilt binary from GitHub, which these machines cannot reach, then falls
 * back to building librdkafka from source, whose default configuration downloads zlib, OpenSSL and zstd
 * as well. CKJS_LINKING=dynamic builds it against the system's OpenSSL and zlib instead (SCRAM needs
 * OpenSSL); nodedir points node-gyp at the running Node's own headers. About 3 minutes on 2 cores.
 */
export function ensureConfluentClient(cacheDir: string, log: (line: string) => void): string {
  const dir = path.join(cacheDir, 'kafka-clients', `confluent-kafka-javascript-${CONFLUENT_VERSION}`);
  const addon = path.join(
    dir,
    'node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node',
  );
  if (existsSync(addon)) return dir;
  log(`building @confluentinc/kafka-javascript ${CONFLUENT_VERSION} into ${dir} (about 3 minutes, once)`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(path.join(partial, 'package.json'), '{"name":"confluent-build","private":true}\n');
  // npm from PATH: scripts/node24.sh puts a working one first (the Node wheel's own npm script is broken).
  const built = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', `@confluentinc/kafka-javascript@${CONFLUENT_VERSION}`],
    {
      cwd: partial,
      encoding: 'utf8',
      env: {
        ...process.env,
        CKJS_LINKING: 'dynamic',
        npm_config_nodedir: path.resolve(path.dirname(process.execPath), '..'),
      },
    },
  );
  if (built.status !== 0 || !existsSync(addon.replace(dir, partial))) {
    throw new Error(
      `building @confluentinc/kafka-javascript failed (exit ${built.status}); it needs gcc, make, python3, ` +
        `libssl-dev and zlib1g-dev:\n${(built.stderr ?? '').slice(-3_000)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}
