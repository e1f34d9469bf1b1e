import { randomSecret } from './secrets.js';

/** Every secret docker-compose.yml requires (`${NAME:?…}`); compose refuses to start while one is unset. */
export const COMPOSE_SECRETS = [
  'KAFKA_SASL_PASSWORD',
  'KAFKA_ADMIN_PASSWORD',
  'KAFKA_CONTROLLER_PASSWORD',
  'KAFKA_TLS_PASSWORD',
  'CASSANDRA_PASSWORD',
  'GRAFANA_ADMIN_PASSWORD',
] as const;

/** The names set in a .env file's text. */
export function namesIn(envText: string): Set<string> {
  return new Set([...envText.matchAll(/^\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1] as string));
}

/** Lines adding a random value for each secret the .env text lacks; the ones it has are kept as they are. */
export function missingSecretLines(envText: string): string[] {
  const present = namesIn(envText);
  return COMPOSE_SECRETS.filter((name) => !present.has(name)).map((name) => `${name}=${randomSecret()}`);
}
