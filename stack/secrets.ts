import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from './paths.js';

/**
 * The native stack's secrets: made once, at random, into `.stack/secrets.env` (git-ignored, mode 600) and
 * reused, because Kafka's SCRAM users and Cassandra's roles are stored with the data they protect. Nothing
 * here has a default: a fresh stack gets fresh passwords.
 *
 * The first group is what every sensorwatch service and tool reads from its environment; the second is
 * only for the stack itself (the brokers' own logins, and the password that locks Cassandra's built-in
 * `cassandra` superuser).
 */
const SERVICE_KEYS = [
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'CASSANDRA_USERNAME',
  'CASSANDRA_PASSWORD',
] as const;
const STACK_ONLY_KEYS = [
  'KAFKA_BROKER_PASSWORD',
  'KAFKA_CONTROLLER_PASSWORD',
  'CASSANDRA_LOCKED_DEFAULT_PASSWORD',
] as const;

type SecretKey = (typeof SERVICE_KEYS)[number] | (typeof STACK_ONLY_KEYS)[number];
export type StackSecrets = Readonly<Record<SecretKey, string>>;

/** The one mechanism the native stack's client listeners offer (see services/kafka.ts). */
export const KAFKA_SASL_MECHANISM = 'scram-sha-512' as const;

/** The login Kafka brokers use between themselves (SCRAM) and towards the controllers (PLAIN). */
export const KAFKA_BROKER_USER = 'broker';
export const KAFKA_CONTROLLER_USER = 'controller';

export function secretsFile(paths: StackPaths): string {
  return path.join(paths.home, 'secrets.env');
}

/** A random password: 24 bytes as hex, so it needs no quoting in properties, JAAS or CQL. */
export function randomSecret(): string {
  return randomBytes(24).toString('hex');
}

/** Fresh random secrets (exported for tests; the stack makes them once through loadStackSecrets). */
export function generateSecrets(): StackSecrets {
  const password = randomSecret;
  return {
    KAFKA_SASL_USERNAME: 'sensorwatch',
    KAFKA_SASL_PASSWORD: password(),
    CASSANDRA_USERNAME: 'sensorwatch',
    CASSANDRA_PASSWORD: password(),
    KAFKA_BROKER_PASSWORD: password(),
    KAFKA_CONTROLLER_PASSWORD: password(),
    CASSANDRA_LOCKED_DEFAULT_PASSWORD: password(),
  };
}

function parseSecretsFile(text: string, file: string): StackSecrets {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z_]+)=(.*)$/.exec(line);
    if (match) values.set(match[1] as string, (match[2] as string).trim());
  }
  const missing = [...SERVICE_KEYS, ...STACK_ONLY_KEYS].filter((key) => !values.get(key));
  if (missing.length > 0) {
    throw new Error(
      `${file} lacks ${missing.join(', ')}. It is made by the stack; if it was edited, restore it, or remove ` +
        'it together with .stack/data (the users and roles stored there were made from it).',
    );
  }
  return Object.fromEntries(
    [...SERVICE_KEYS, ...STACK_ONLY_KEYS].map((key) => [key, values.get(key)]),
  ) as StackSecrets;
}

/** Reads the stack's secrets, making them on first use. */
export function loadStackSecrets(paths: StackPaths): StackSecrets {
  const file = secretsFile(paths);
  if (existsSync(file)) return parseSecretsFile(readFileSync(file, 'utf8'), file);
  const secrets = generateSecrets();
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = Object.entries(secrets).map(([key, value]) => `${key}=${value}`);
  writeFileSync(
    file,
    `# Made by the native stack on first start; the Kafka users and Cassandra roles in .stack/data use them.\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
  return secrets;
}

/** The variables a sensorwatch service needs to reach the native stack's Kafka and Cassandra. */
export function serviceEnv(secrets: StackSecrets): Record<string, string> {
  return {
    KAFKA_SASL_MECHANISM,
    ...Object.fromEntries(SERVICE_KEYS.map((key) => [key, secrets[key]])),
  };
}

/**
 * Puts the service variables into this process's environment, so everything it spawns (the pipeline's
 * services, test runs, tools) logs in to the native stack. The stack's own values win over inherited ones:
 * its Kafka and Cassandra know no other users.
 */
export function exportStackSecrets(paths: StackPaths): StackSecrets {
  const secrets = loadStackSecrets(paths);
  Object.assign(process.env, serviceEnv(secrets));
  return secrets;
}

export function kafkaSaslOf(secrets: StackSecrets) {
  return {
    mechanism: KAFKA_SASL_MECHANISM,
    username: secrets.KAFKA_SASL_USERNAME,
    password: secrets.KAFKA_SASL_PASSWORD,
  };
}

export function cassandraCredentialsOf(secrets: StackSecrets) {
  return { username: secrets.CASSANDRA_USERNAME, password: secrets.CASSANDRA_PASSWORD };
}
