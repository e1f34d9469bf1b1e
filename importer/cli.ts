/**
 * `npm run import -- FILE --station ID [--layout uci|generic] [--profile P]`: backfills a station's
 * history from a CSV file (see csv-layouts.ts for the layouts). Bad rows are listed with their line
 * numbers and skipped; importing the same file again stores each row once.
 *
 *   npm run import -- household_power_consumption.txt --station household-sceaux
 *   npm run import -- nyc_taxi.csv --station taxi-nyc             (profile "imported")
 *   npm run import -- hall.csv --station factory-hall-1 --profile factory
 */
import { parseArgs } from 'node:util';
import { cassandraClientFor } from '../common/cassandra/client.js';
import { answerHelp, ConfigError, parseConfig } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { CASSANDRA_KEYS } from '../common/config/shared.js';
import { LayoutError } from './csv-layouts.js';
import { importCsv } from './import-csv.js';

const USAGE = 'usage: npm run import -- FILE --station ID [--layout uci|generic] [--profile PROFILE]';
const SHOWN_BAD_ROWS = 50;

async function main(): Promise<void> {
  answerHelp(process.argv.slice(2), USAGE, CASSANDRA_KEYS);
  const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      station: { type: 'string' },
      layout: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const problems: string[] = [];
  if (positionals.length !== 1) problems.push(`expected one FILE; ${USAGE}`);
  if (!args.station || !/^[a-z0-9][a-z0-9._-]{0,95}$/.test(args.station)) {
    problems.push('--station: expected a station id (lower-case letters, digits, ".", "_" or "-")');
  }
  if (args.layout !== undefined && args.layout !== 'uci' && args.layout !== 'generic') {
    problems.push(`--layout: expected uci or generic (got ${args.layout})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = parseConfig(CASSANDRA_KEYS, process.env);
  const client = cassandraClientFor(config);
  const file = positionals[0] as string;
  let shown = 0;
  const tty = process.stderr.isTTY;
  try {
    await client.connect();
    const started = Date.now();
    const summary = await importCsv(client, {
      file,
      stationId: args.station as string,
      ...(args.layout ? { layout: args.layout as 'uci' | 'generic' } : {}),
      ...(args.profile ? { profile: args.profile } : {}),
      onBadRow: (line, reason) => {
        shown += 1;
        if (shown <= SHOWN_BAD_ROWS)
          process.stderr.write(`${tty ? '\r\x1b[K' : ''}${file}:${line}: skipped: ${reason}\n`);
      },
      onProgress: ({ bytes, totalBytes, rows }) => {
        const share = totalBytes > 0 ? bytes / totalBytes : 1;
        const bar = `[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${(share * 100).toFixed(0).padStart(3)} % ${rows} rows`;
        if (tty) process.stderr.write(`\r${bar}\x1b[K`);
        else if (bytes >= totalBytes) process.stderr.write(`${bar}\n`);
      },
    });
    if (tty) process.stderr.write('\n');
    if (summary.badRows > SHOWN_BAD_ROWS)
      console.error(`... and ${summary.badRows - SHOWN_BAD_ROWS} more bad rows`);
    const range =
      summary.from === null
        ? ''
        : ` from ${new Date(summary.from).toISOString()} to ${new Date(summary.to as number).toISOString()}`;
    console.log(
      `Imported ${summary.rows} rows (${summary.allMissing} with every value missing) into station ${args.station} (profile ${summary.profile}, ${summary.layout} layout, sensors ${summary.sensors.join(', ')})${range} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${summary.badRows} bad rows skipped.`,
    );
    if (summary.rows === 0) process.exitCode = 1;
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error;
    console.error(`${file}: ${error.message}`);
    process.exitCode = 2;
  } finally {
    await client.shutdown();
  }
}

runMain(main);
