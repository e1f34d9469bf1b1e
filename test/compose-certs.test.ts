import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../stack/config.js';

const run = promisify(execFile);

/**
 * docker/kafka-certs.sh makes the compose cluster's TLS material with keytool. Docker is not here, but
 * keytool (Java 17) is: run the script, then serve TLS from the brokers' PKCS12 keystore and connect as a
 * Node client (kafkajs is one) trusting only ca.pem, by each broker's name.
 */
describe('docker/kafka-certs.sh', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kafka-certs-'));
  const password = 'a-test-store-password';
  let server: tls.Server;
  let port = 0;

  beforeAll(async () => {
    await run('bash', [path.join(REPO_ROOT, 'docker', 'kafka-certs.sh'), dir], {
      env: { ...process.env, KAFKA_TLS_PASSWORD: password },
    });
    server = tls.createServer(
      { pfx: readFileSync(path.join(dir, 'kafka.keystore.p12')), passphrase: password },
      (s) => s.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }, 120_000);

  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (servername: string, ca: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername, ca }, () => {
        socket.once('data', (data) => resolve(String(data)));
      });
      socket.once('error', reject);
    });

  it.each(['kafka-1', 'kafka-2', 'kafka-3', 'localhost'])(
    'lets a client that trusts ca.pem reach %s',
    async (name) => {
      expect(await connect(name, readFileSync(path.join(dir, 'ca.pem')))).toBe('ok');
    },
  );

  it('is refused under a name the certificate does not carry', async () => {
    await expect(connect('cassandra', readFileSync(path.join(dir, 'ca.pem')))).rejects.toThrow(/altnames/);
  });

  it('writes the store passwords where the apache/kafka image reads them, and keeps the CA key private', () => {
    for (const creds of ['keystore_creds', 'key_creds', 'truststore_creds']) {
      expect(readFileSync(path.join(dir, creds), 'utf8')).toBe(password);
    }
    expect(statSync(path.join(dir, 'ca.p12')).mode & 0o077).toBe(0);
  });

  it('leaves existing material alone when run again', async () => {
    const before = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    const { stdout } = await run('bash', [path.join(REPO_ROOT, 'docker', 'kafka-certs.sh'), dir], {
      env: { ...process.env, KAFKA_TLS_PASSWORD: password },
    });
    expect(stdout).toContain('already');
    expect(readFileSync(path.join(dir, 'ca.pem'), 'utf8')).toBe(before);
  });
});
