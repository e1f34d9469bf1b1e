import { describe, expect, it } from 'vitest';
import { componentOf, coresBetween, cpuSecondsOf, cpuUsPerReading } from './process-cpu.js';

describe('CPU by component', () => {
  it('tells the stack’s processes apart by their command line', () => {
    const cmd = (...argv: string[]) => argv.join('\0');
    expect(componentOf(cmd('java', '-Xmx1g', '-cp', 'lib/*', 'kafka.Kafka', 'server.properties'))).toBe(
      'kafka',
    );
    expect(
      componentOf(cmd('/usr/bin/java', '-cp', 'x', 'org.apache.cassandra.service.CassandraDaemon')),
    ).toBe('cassandra');
    expect(componentOf(cmd('/usr/bin/node', '--import', 'tsx', '/repo/detector/main.ts'))).toBe('detector');
    expect(componentOf(cmd('/usr/bin/node', '--import', 'tsx', '/repo/producer/main.ts'))).toBe('producers');
    expect(
      componentOf(
        cmd('/usr/bin/node', '--import', './dist/detector/instrumentation.js', 'dist/detector/main.js'),
      ),
    ).toBe('detector');
    expect(componentOf(cmd('/usr/bin/prometheus', '--config.file=x'))).toBe('prometheus');
    expect(componentOf(cmd('java', '-cp', 'lib/*', 'org.apache.kafka.tools.ProducerPerformance'))).toBe(
      'other java',
    );
    expect(componentOf(cmd('/usr/bin/node', 'vitest'))).toBeUndefined();
    expect(componentOf(cmd('bash', '-c', 'prometheus-ish'))).toBeUndefined();
  });

  it('reads user and system time from a stat line whose name holds spaces and parentheses', () => {
    const stat = '4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 12345 0 0';
    expect(cpuSecondsOf(stat)).toBe(3);
  });

  it('counts only processes alive in both samples', () => {
    const before = new Map([
      [1, { component: 'kafka' as const, seconds: 10 }],
      [2, { component: 'producers' as const, seconds: 1 }],
    ]);
    const after = new Map([
      [1, { component: 'kafka' as const, seconds: 16 }],
      [2, { component: 'producers' as const, seconds: 4 }],
      [3, { component: 'producers' as const, seconds: 99 }],
    ]);
    const cores = coresBetween(before, after, 10);
    expect(cores.kafka).toBeCloseTo(0.6);
    expect(cores.producers).toBeCloseTo(0.3);
    expect(cores.cassandra).toBe(0);
  });

  it('turns cores into µs of CPU per stored reading, by part and in total, Prometheus left out', () => {
    const cores = {
      kafka: 0.36,
      cassandra: 0.45,
      detector: 0.6,
      producers: 0.3,
      prometheus: 0.05,
      'other java': 0.02,
    };
    const us = cpuUsPerReading(cores, 6_000);
    expect(us?.detector).toBeCloseTo(100);
    expect(us?.kafka).toBeCloseTo(60);
    expect(us?.cassandra).toBeCloseTo(75);
    expect(us?.producers).toBeCloseTo(50);
    expect(us?.total).toBeCloseTo(285);
    expect(cpuUsPerReading(cores, 0)).toBeNull();
  });
});
