import { describe, expect, it } from 'vitest';
import { placeOf, summarise } from './profile-summary.js';

const frame = (id: number, functionName: string, url: string, hitCount: number) => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
  hitCount,
});

describe('CPU profile summary', () => {
  it('places a frame in its package, project folder, Node or V8', () => {
    expect(placeOf('file:///repo/node_modules/kafkajs/src/x.js', 'f', '/repo')).toBe('kafkajs');
    expect(placeOf('file:///repo/node_modules/@opentelemetry/api/x.js', 'f', '/repo')).toBe(
      '@opentelemetry/api',
    );
    expect(placeOf('file:///repo/scoring/scoring-core.ts', 'score', '/repo')).toBe('project scoring/');
    expect(placeOf('file:///repo/dist/scoring/scoring-core.js', 'score', '/repo')).toBe('project scoring/');
    expect(placeOf('node:internal/streams/readable', 'read', '/repo')).toBe('node');
    expect(placeOf('', '(garbage collector)', '/repo')).toBe('(garbage collector)');
  });

  it('gives self-time shares of the busy samples, idle left out', () => {
    const summary = summarise({
      nodes: [
        frame(1, '(idle)', '', 50),
        frame(2, 'encode', 'file:///work/main/node_modules/kafkajs/src/encoder.js', 30),
        frame(3, '(garbage collector)', '', 10),
        frame(4, 'decode', 'file:///work/main/node_modules/kafkajs/src/decoder.js', 10),
      ],
    });
    expect(summary.busySamples).toBe(50);
    expect(summary.idleShare).toBe(0.5);
    expect(summary.byPlace).toEqual([
      ['kafkajs', 0.8],
      ['(garbage collector)', 0.2],
    ]);
    expect(summary.byFunction[0]).toEqual(['encode src/encoder.js:10', 0.6]);
  });
});
