/**
 * `npm run bench:cassandra-gc`: Cassandra's garbage collector and memtable settings side by side, on the
 * native stack's `bench` instance. For each pair of settings of stack/services/cassandra-gc.ts (every
 * collector named with every memtable named), Cassandra is restarted
 * with it (its data kept), written to through the detector's own repository at a fixed rate (chunks due
 * at even intervals, a few in flight, as the detector's partitions write), and measured over a window:
 *
 * - chunk write latency p50 / p99 / max, from when each chunk was due (a pause delays all behind it);
 * - the JVM's stops of the world from its safepoint log: how many a second, p99, longest, time stopped;
 * - Cassandra's CPU per row written, and its resident memory.
 *
 * Settings take turns, in another order each round. Figures go to bench/out/cassandra-gc.json. The node
 * is restarted with the stack's own settings (SENSORWATCH_CASSANDRA_GC, default g1;
 * SENSORWATCH_CASSANDRA_MEMTABLE, default trie-offheap) at the end.
 *
 *   npm run bench:cassandra-gc -- --rate 4000 --window 60 --rounds 2
 *   npm run bench:cassandra-gc -- --gcs g1,zgc
 *   npm run bench:cassandra-gc -- --gcs g1 --memtables skiplist,trie,trie-offheap
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { nameListOption, numberOption } from '../common/config/cli-options.js';
import { runMain } from '../common/config/run-main.js';
import { quantile } from '../scoring/standardiser.js';
import { stackCassandraClient } from '../stack/clients.js';
import { loadStackConfig, REPO_ROOT } from '../stack/config.js';
import { pathsOf } from '../stack/paths.js';
import { exportStackSecrets } from '../stack/secrets.js';
import {
  CASSANDRA_GC_NAMES,
  CASSANDRA_MEMTABLE_NAMES,
  type CassandraGc,
  type CassandraMemtable,
} from '../stack/services/cassandra-gc.js';
import {
  cassandraPid,
  residentMb,
  restartCassandraWith,
  safepointReader,
} from './cassandra-gc/cassandra-control.js';
import { pacedWrites } from './cassandra-gc/paced-writes.js';
import { cpuSecondsOf } from './pipeline/process-cpu.js';

/** A collector and a memtable setting, run together. */
interface Setting {
  readonly gc: CassandraGc;
  readonly memtable: CassandraMemtable;
}

interface Measurement extends Setting {
  readonly round: number;
  readonly rowsPerSecond: number;
  readonly writeMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly pauses: {
    readonly perSecond: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    /** Share of the window the JVM stood still. */
    readonly stoppedShare: number;
  };
  readonly cpuUsPerRow: number;
  readonly rssMb: number;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      gcs: { type: 'string', default: CASSANDRA_GC_NAMES.join(',') },
      memtables: { type: 'string', default: 'trie-offheap' },
      rate: { type: 'string', default: '4000' },
      window: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '1' },
      chunk: { type: 'string', default: '250' },
      'in-flight': { type: 'string', default: '4' },
    },
  });
  const gcs = nameListOption('gcs', args.gcs, CASSANDRA_GC_NAMES);
  const memtables = nameListOption('memtables', args.memtables, CASSANDRA_MEMTABLE_NAMES);
  const settings: Setting[] = gcs.flatMap((gc) => memtables.map((memtable) => ({ gc, memtable })));
  const load = {
    rate: numberOption('rate', args.rate, { min: 1 }),
    chunkSize: numberOption('chunk', args.chunk, { min: 1, integer: true }),
    inFlight: numberOption('in-flight', args['in-flight'], { min: 1, integer: true }),
    stations: 1000,
  };
  const windowS = numberOption('window', args.window, { min: 1 });
  const warmupS = numberOption('warmup', args.warmup, { min: 0 });
  const rounds = numberOption('rounds', args.rounds, { min: 1, integer: true });
  const secrets = exportStackSecrets(pathsOf(loadStackConfig()));
  const run = Date.now().toString(36);

  const measurements: Measurement[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = settings.map((_, i) => settings[(i + round) % settings.length] as Setting);
      for (const { gc, memtable } of order) {
        process.stdout.write(`round ${round + 1}: ${labelOf({ gc, memtable })}: restarting Cassandra… `);
        await restartCassandraWith(gc, memtable);
        const client = stackCassandraClient(secrets, 'sensorwatch');
        try {
          await client.connect();
          const prefix = `bench-gc-${run}-${gc}-${memtable}-${round}`;
          await pacedWrites(client, { ...load, seconds: warmupS, prefix });
          const pid = await cassandraPid();
          const safepoints = safepointReader();
          safepoints.mark();
          const cpuBefore = cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
          const started = performance.now();
          const writes = await pacedWrites(client, { ...load, seconds: windowS, prefix });
          const seconds = (performance.now() - started) / 1000;
          const cpu = cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) - cpuBefore;
          const pauses = safepoints.pausesMs();
          const measured: Measurement = {
            gc,
            memtable,
            round,
            rowsPerSecond: writes.rate,
            writeMs: {
              p50: quantile(writes.latenciesMs, 0.5),
              p99: quantile(writes.latenciesMs, 0.99),
              max: Math.max(...writes.latenciesMs),
            },
            pauses: {
              perSecond: pauses.length / seconds,
              p99Ms: pauses.length > 0 ? quantile(pauses, 0.99) : 0,
              maxMs: pauses.length > 0 ? Math.max(...pauses) : 0,
              stoppedShare: pauses.reduce((sum, p) => sum + p, 0) / 1000 / seconds,
            },
            cpuUsPerRow: (cpu / Math.max(writes.rows, 1)) * 1e6,
            rssMb: residentMb(pid),
          };
          measurements.push(measured);
          console.log(describe(measured));
        } finally {
          await client.shutdown();
        }
      }
    }
  } finally {
    const { cassandraGc, cassandraMemtable } = loadStackConfig();
    console.log(`restarting Cassandra with the stack's own settings (${cassandraGc}, ${cassandraMemtable})…`);
    await restartCassandraWith(cassandraGc, cassandraMemtable);
  }

  console.log(
    `\nMedians over ${rounds} round(s), ${load.rate}/s in chunks of ${load.chunkSize}, ${windowS} s windows:`,
  );
  console.log(
    'collector/memtable    rows/s  write p50  write p99  write max  pauses/s  pause p99  pause max  stopped  µs CPU/row  RSS MB',
  );
  const summary = settings.map(({ gc, memtable }) => {
    const mine = measurements.filter((m) => m.gc === gc && m.memtable === memtable);
    const median = (pick: (m: Measurement) => number) => quantile(mine.map(pick), 0.5);
    return {
      gc,
      memtable,
      rowsPerSecond: median((m) => m.rowsPerSecond),
      writeMs: {
        p50: median((m) => m.writeMs.p50),
        p99: median((m) => m.writeMs.p99),
        max: median((m) => m.writeMs.max),
      },
      pauses: {
        perSecond: median((m) => m.pauses.perSecond),
        p99Ms: median((m) => m.pauses.p99Ms),
        maxMs: median((m) => m.pauses.maxMs),
        stoppedShare: median((m) => m.pauses.stoppedShare),
      },
      cpuUsPerRow: median((m) => m.cpuUsPerRow),
      rssMb: median((m) => m.rssMb),
    };
  });
  for (const s of summary) console.log(describe({ ...s, round: -1 }));
  const out = path.join(REPO_ROOT, 'bench', 'out', 'cassandra-gc.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), load: { ...load, windowS, warmupS, rounds }, summary, measurements }, null, 2)}\n`,
  );
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}

function describe(m: Measurement): string {
  const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
  return [
    labelOf(m).padEnd(19),
    m.rowsPerSecond.toFixed(0).padStart(8),
    ms(m.writeMs.p50).padStart(10),
    ms(m.writeMs.p99).padStart(10),
    ms(m.writeMs.max).padStart(10),
    m.pauses.perSecond.toFixed(1).padStart(9),
    ms(m.pauses.p99Ms).padStart(10),
    ms(m.pauses.maxMs).padStart(10),
    `${(m.pauses.stoppedShare * 100).toFixed(1)} %`.padStart(8),
    m.cpuUsPerRow.toFixed(0).padStart(11),
    m.rssMb.toFixed(0).padStart(7),
  ].join(' ');
}

function labelOf({ gc, memtable }: Setting): string {
  return `${gc}/${memtable}`;
}

runMain(main);
