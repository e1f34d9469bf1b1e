import http from 'node:http';
import type { Registry, RegistryContentType } from 'prom-client';

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry<RegistryContentType>;
  /** Resolves to a reason when the service should not get traffic; undefined when ready. */
  readonly notReadyReason: () => string | undefined;
}

/**
 * The small HTTP server of the producer and detector: `/metrics` for Prometheus, `/healthz` (the
 * process is alive) and `/readyz` (it can do its work: connected and not backing off).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    if (request.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => reply(200, options.registry.contentType, text),
        (error: Error) => reply(500, 'text/plain', `${error.message}\n`),
      );
      return;
    }
    if (path === '/healthz') return reply(200, 'application/json', '{"status":"ok"}\n');
    if (path === '/readyz') {
      const reason = options.notReadyReason();
      return reason
        ? reply(503, 'application/json', `${JSON.stringify({ status: 'not ready', reason })}\n`)
        : reply(200, 'application/json', '{"status":"ready"}\n');
    }
    return reply(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return server;
}
