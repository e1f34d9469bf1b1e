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

/** The ways of doing one step, each a function of one message; returns something so nothing is elided. */
type Ways = Record<string, (message: Buffer) => unknown>;

const steps: Record<string, Ways> = {
  'validate a reading': {
    'schema (as before)': (message) => readingSchema.safeParse(JSON.parse(message.toString('utf8'))).success,
    'quick check': (message) => isWellFormedReading(JSON.parse(message.toString('utf8'))),
    'validateReading (all checks)': (message) => validateReading(message, now).ok,
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
