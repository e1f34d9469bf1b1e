import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boolean, ConfigError, envKey, hostPortList, parseConfig, port } from './env.js';

const spec = {
  brokers: envKey('TEST_BROKERS', hostPortList().default(['127.0.0.1:19092']), 'Kafka bootstrap servers.'),
  metricsPort: envKey('TEST_METRICS_PORT', port().default(9464), 'Port of /metrics.'),
  verbose: envKey('TEST_VERBOSE', boolean().default(false), 'Log every reading.'),
  token: envKey(
    'TEST_TOKEN',
    z.string().min(16, { error: 'expected at least 16 characters' }),
    'Admin token.',
  ),
};

describe('parseConfig', () => {
  it('applies defaults for unset and empty variables and coerces the rest', () => {
    const config = parseConfig(spec, {
      TEST_METRICS_PORT: '',
      TEST_VERBOSE: 'yes',
      TEST_TOKEN: 'x'.repeat(16),
    });
    expect(config).toEqual({
      brokers: ['127.0.0.1:19092'],
      metricsPort: 9464,
      verbose: true,
      token: 'x'.repeat(16),
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses lists of host:port', () => {
    const config = parseConfig(spec, { TEST_BROKERS: 'a:1, b:2', TEST_TOKEN: 'x'.repeat(16) });
    expect(config.brokers).toEqual(['a:1', 'b:2']);
  });

  it.each([
    [{ TEST_METRICS_PORT: 'abc' }, 'TEST_METRICS_PORT: expected a number (got "abc")'],
    [{ TEST_METRICS_PORT: '70000' }, 'TEST_METRICS_PORT: expected at most 65535 (got "70000")'],
    [{ TEST_METRICS_PORT: '1.5' }, 'TEST_METRICS_PORT: expected a whole number (got "1.5")'],
    [{ TEST_VERBOSE: 'maybe' }, 'TEST_VERBOSE: expected true or false (got "maybe")'],
    [{ TEST_BROKERS: 'a:1,,b:2' }, 'TEST_BROKERS: expected a comma-separated list'],
    [{ TEST_BROKERS: 'localhost' }, 'TEST_BROKERS: expected host:port[,host:port...]'],
  ])('names the variable and the problem for %j', (env, expected) => {
    const error = captureError(() => parseConfig(spec, { TEST_TOKEN: 'x'.repeat(16), ...env }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(expected);
  });

  it('reports every invalid variable at once, including required ones that are missing', () => {
    const error = captureError(() => parseConfig(spec, { TEST_METRICS_PORT: '0' }));
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^TEST_METRICS_PORT: expected at least 1/);
    expect(error.problems[1]).toMatch(/^TEST_TOKEN: .*\(it is not set\)\. Admin token\.$/);
    expect(error.message).toContain('Invalid configuration:');
  });
});

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
