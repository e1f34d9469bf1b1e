/**
 * `npm run forecast`: the batch job of the forecasting system. For every station (or those chosen):
 * rolls the recent readings up into hourly and daily statistics, scores earlier forecasts against the
 * hours that have since been rolled up, trains a Holt-Winters forecaster per sensor and stores the next
 * hours' forecasts; then stores and prints the accuracy per profile against the seasonal-naive baseline.
 *
 *   npm run forecast
 *   npm run forecast -- --profile environment --station-prefix environment-p1 --horizon 12
 *   npm run forecast -- --until 2026-11-22T00:00:00Z --rollup-days 30   (a backfill, as of a past time)
 */
import { parseArgs } from 'node:util';
import { cassandraClientFor } from '../common/cassandra/client.js';
import { answerHelp, ConfigError, parseConfig } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { CASSANDRA_KEYS, MODEL_REGISTRY_KEYS } from '../common/config/shared.js';
import { createCassandraForecastRepository } from '../storage/forecast.repository.js';
import { profilesWithStations, stationsOfProfiles } from '../storage/station-history.js';
import { AccuracyBook, type BatchOptions, DEFAULT_BATCH_OPTIONS, runStationBatch } from './batch.js';
import { accuracyTable } from './report.js';

function positiveInt(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigError([`--${name}: expected a whole number from 1 to ${max} (got ${text})`]);
  }
  return value;
}

async function main(): Promise<void> {
  answerHelp(
    process.argv.slice(2),
    'usage: npm run forecast -- [--profile P] [--station-prefix S] [--until ISO] [--rollup-days N] [--train-days N] [--horizon H] [--evaluate-days N]',
    { ...CASSANDRA_KEYS, ...MODEL_REGISTRY_KEYS },
  );
  const { values: args } = parseArgs({
    options: {
      profile: { type: 'string', multiple: true },
      'station-prefix': { type: 'string', default: '' },
      until: { type: 'string' },
      'rollup-days': { type: 'string', default: String(DEFAULT_BATCH_OPTIONS.rollupDays) },
      'train-days': { type: 'string', default: String(DEFAULT_BATCH_OPTIONS.trainDays) },
      horizon: { type: 'string', default: String(DEFAULT_BATCH_OPTIONS.horizonHours) },
      'evaluate-days': { type: 'string', default: String(DEFAULT_BATCH_OPTIONS.evaluateDays) },
    },
  });
  const config = parseConfig({ ...CASSANDRA_KEYS, ...MODEL_REGISTRY_KEYS }, process.env);
  const until = args.until === undefined ? Date.now() : Date.parse(args.until);
  if (!Number.isFinite(until))
    throw new ConfigError([`--until: expected an ISO 8601 time (got ${args.until})`]);
  const options: BatchOptions = {
    ...DEFAULT_BATCH_OPTIONS,
    until,
    rollupDays: positiveInt('rollup-days', args['rollup-days'], 400),
    trainDays: positiveInt('train-days', args['train-days'], 90),
    horizonHours: positiveInt('horizon', args.horizon, 168),
    evaluateDays: positiveInt('evaluate-days', args['evaluate-days'], 90),
  };

  const client = cassandraClientFor(config);
  const repository = createCassandraForecastRepository(client, config.modelRegistry);
  try {
    await client.connect();
    const known = await profilesWithStations(client);
    const profiles = args.profile?.flatMap((p) => p.split(',')) ?? known;
    const unknown = profiles.filter((p) => !known.includes(p));
    if (unknown.length > 0) {
      throw new ConfigError([
        `--profile: no stations of ${unknown.join(', ')}; profiles with stations: ${known.join(', ')}`,
      ]);
    }
    const stations = (await stationsOfProfiles(client, profiles)).filter((s) =>
      s.stationId.startsWith(args['station-prefix']),
    );
    console.log(
      `Rolling up ${options.rollupDays} day(s) and forecasting ${options.horizonHours} h for ${stations.length} stations, as of ${new Date(until).toISOString()}`,
    );
    const book = new AccuracyBook();
    const totals = { readings: 0, rollups: 0, forecasts: 0 };
    const started = Date.now();
    for (const [index, station] of stations.entries()) {
      const outcome = await runStationBatch(client, repository, station, options, book);
      totals.readings += outcome.readings;
      totals.rollups += outcome.rollups;
      totals.forecasts += outcome.forecasts;
      process.stdout.write(
        `\r  ${progressBar((index + 1) / stations.length)} ${index + 1}/${stations.length} ${station.stationId}: ${outcome.readings} readings, ${outcome.forecasts} forecasts\x1b[K`,
      );
    }
    process.stdout.write('\n');
    const accuracy = book.results(Date.now());
    await repository.saveAccuracy(accuracy);
    console.log(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${totals.readings} readings, ${totals.rollups} rollups, ${totals.forecasts} forecasts stored.`,
    );
    console.log(
      accuracy.length > 0
        ? accuracyTable(accuracy)
        : 'No earlier forecast has an actual yet: no accuracy to report.',
    );
  } finally {
    await client.shutdown();
  }
}

function progressBar(share: number, width = 24): string {
  const done = Math.round(share * width);
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}]`;
}

runMain(main);
