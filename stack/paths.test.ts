import { describe, expect, it } from 'vitest';
import { stackPaths } from './paths.js';

describe('stack paths', () => {
  it('keeps a named instance’s data, pid records and logs apart, and shares the downloads', () => {
    const main = stackPaths('/repo/.stack');
    const test = stackPaths('/repo/.stack', 'test');
    expect(main.data('cassandra')).toBe('/repo/.stack/data/cassandra');
    expect(test.data('cassandra')).toBe('/repo/.stack/instances/test/data/cassandra');
    expect(test.pidRecord('kafka-1')).toBe('/repo/.stack/instances/test/run/kafka-1.json');
    expect(test.log('detector')).toBe('/repo/.stack/instances/test/logs/detector.log');
    expect(test.lib('kafka')).toBe(main.lib('kafka'));
    expect(test.mavenRepo).toBe(main.mavenRepo);
  });
});
