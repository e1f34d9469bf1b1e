/**
 * The detector's own work per reading, outside Kafka and Cassandra, measured side by side in one run:
 * each way of doing a step is timed in alternating rounds over the same simulated messages, and the
 * figures are µs per message and the ratio between the ways. Prints figures; asserts nothing.
 *
 *   npm run bench:detector-path [-- --messages 20000 --rounds 7]
 */
import { parseArgs } from 'node:util';
import { numberOption } from '../common/config/cli-options.js';
import { profileNames } from '../common/reading/profiles.js';
import { encodeReading, readingSchema, validateReading } from '../common/reading/reading.js';
import { isWellFormedReading } from '../common/reading/well-formed.js';
import { ChunkTrace } from '../detector/chunk-tracing.js';
import type { RawMessage } from '../detector/process-messages.js';
import type { ScoredReading } from '../scoring/scored-reading.js';
import { SimulatedStation } from '../simulation/station.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
  },
});
const messageCount = numberOption('messages', args.messages, { min: 1, integer: true });
const rounds = numberOption('rounds', args.rounds, { min: 1, integer: true });

// Messages as the producers send them: every profile's stations, a reading a minute from a fixed time.
const origin = Date.parse('2026-01-05T00:00:00Z');
const stations = profileNames().flatMap((profile) =>
  Array.from(
    { length: 10 },
    (_, i) =>
      new SimulatedStation({
        stationId: `${profile}-bench-s${i}`,
        profile,
        anomalyRate: 0.005,
        originTs: origin,
      }),
  ),
);
const messages: Buffer[] = [];
for (let t = 0; messages.length < messageCount; t++) {
  for (const station of stations) messages.push(encodeReading(station.readingAt(origin + t * 60_000)));
}
messages.length = messageCount;
const now = origin + 30 * 86_400_000;

// The same messages as a consumer hands them over, in chunks of 250, each with its (stand-in) verdict.
const CHUNK = 250;
const chunks: { raw: RawMessage[]; scored: ScoredReading[] }[] = [];
for (let i = 0; i < messages.length; i += CHUNK) {
  const raw = messages
    .slice(i, i + CHUNK)
    .map((value, j) => ({ key: null, value, partition: j % 12, offset: String(i + j) }));
  const scored = raw.map((m) => {
    const reading = JSON.parse((m.value as Buffer).toString('utf8'));
    const verdict = { isAnomaly: false, severity: 'none', score: 0.5, findings: [], zScores: {} };
    return {
      reading,
      verdict,
      source: { partition: m.partition, offset: m.offset },
    } as unknown as ScoredReading;
  });
  chunks.push({ raw, scored });
}
const traceTarget = { topic: 'sensor.readings', groupId: 'bench', keyspace: 'bench' };
const chunkStartingWith = new Map(chunks.map((chunk) => [chunk.raw[0]?.value as Buffer, chunk]));
/** A chunk's tracing as the detector does it, per message of the chunk (run on the chunk's first message). */
const traceChunk = (traced: boolean) => (message: Buffer) => {
  const chunk = chunkStartingWith.get(message);
  if (!chunk) return false;
  const trace = new ChunkTrace(chunk.raw, traceTarget, traced);
  trace.annotate(chunk.scored, []);
  for (const one of chunk.scored) trace.traceIdOf(one);
  trace.end();
  return true;
};

/** The ways of doing one step, each a function of one message; returns something so nothing is elided. */
type Ways = Record<string, (message: Buffer) => unknown>;

const steps: Record<string, Ways> = {
  'validate a reading': {
    'schema (as before)': (message) => readingSchema.safeParse(JSON.parse(message.toString('utf8'))).success,
    'quick check': (message) => isWellFormedReading(JSON.parse(message.toString('utf8'))),
    'validateReading (all checks)': (message) => validateReading(message, now).ok,
  },
  'trace a chunk, tracing off': {
    'spans made all the same (as before)': traceChunk(true),
    'no spans': traceChunk(false),
  },
};

let sink = 0;
for (const [step, ways] of Object.entries(steps)) {
  const timings = new Map<string, number[]>(Object.keys(ways).map((way) => [way, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [way, run] of Object.entries(ways)) {
      const started = performance.now();
      for (const message of messages) if (run(message)) sink += 1;
      timings.get(way)?.push(((performance.now() - started) * 1000) / messages.length);
    }
  }
  // The first round warms the JIT: medians of the others.
  const median = (xs: number[]) => {
    const sorted = xs.slice(rounds > 1 ? 1 : 0).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  const first = median(timings.get(Object.keys(ways)[0] as string) ?? []);
  console.log(`\n${step} (${messages.length} messages, median of ${Math.max(1, rounds - 1)} rounds):`);
  for (const [way, times] of timings) {
    const us = median(times);
    console.log(`  ${way.padEnd(32)} ${us.toFixed(2).padStart(7)} µs/message   ×${(us / first).toFixed(2)}`);
  }
}
if (sink < 0) console.log(sink);
