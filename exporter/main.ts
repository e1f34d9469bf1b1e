import type { Server } from 'node:http';
import { createCassandraClient } from '../common/cassandra/client.js';
import { runMain } from '../common/config/run-main.js';
import { createLogger } from '../common/logger.js';
import { onShutdown } from '../common/service/shutdown.js';
import { createCassandraAnomalyRepository } from './anomaly.repository.js';
import { createExporterApp } from './app.js';
import { loadExporterConfig } from './config.js';
import { createExporterMetrics } from './metrics.js';

async function main(): Promise<void> {
  const config = loadExporterConfig();
  const logger = createLogger({ service: 'exporter' }, config.logLevel);
  const cassandra = createCassandraClient({
    contactPoints: config.cassandraContactPoints,
    localDataCenter: config.cassandraDatacenter,
    keyspace: config.cassandraKeyspace,
  });
  const metrics = createExporterMetrics();
  const app = createExporterApp({
    anomalies: createCassandraAnomalyRepository(cassandra, config.lookbackHours),
    registry: metrics.registry,
    metrics,
    logger,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  onShutdown(logger, config.shutdownGraceMs, async () => {
    await new Promise((resolve) => server.close(resolve));
    await cassandra.shutdown();
  });
  logger.info('serving', { port: config.port });
}

runMain(main);
