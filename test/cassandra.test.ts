import { afterAll, describe, expect, it } from 'vitest';
import { explain, type ScoredReading } from '../scoring/scored-reading.js';
import type { Verdict } from '../scoring/scoring-core.js';
import { createCassandraReadingRepository } from '../storage/reading.repository.js';
import { createCassandraStationRepository } from '../storage/station.repository.js';
import { forEachStoredReading } from '../storage/station-history.js';
import { runCli } from './support/service.js';
import { cassandraClient, uniqueName } from './support/stack.js';

const client = cassandraClient('sensorwatch');

function scoredReading(
  stationId: string,
  seq: number,
  ts: string,
  temperature: number,
  anomalous: boolean,
): ScoredReading {
  const verdict: Verdict = {
    isAnomaly: anomalous,
    severity: anomalous ? 'critical' : 'none',
    score: anomalous ? 6 : 0.5,
    warmingUp: false,
    findings: [],
    zScores: {},
  };
  return {
    reading: {
      readingId: `${stationId}:${seq}`,
      stationId,
      profile: 'factory',
      ts,
      seq,
      values: { temperature, humidity: 40, noise_level: 60 },
      label: null,
    },
    verdict,
    explanation: explain(verdict),
    detectorVersion: 'storage-test',
  };
}

describe('Cassandra: the readings table, through the project’s storage code', () => {
  afterAll(() => client.shutdown());

  it('when the repository saves readings across midnight, twice, then the storage reads give each once, in time order, within [from, to)', async () => {
    const stationId = uniqueName('factory-storage');
    const repository = createCassandraReadingRepository(client);
    const times = ['2026-11-23T23:59:58Z', '2026-11-24T00:00:01Z', '2026-11-23T23:59:59Z'];
    const readings = times.map((ts, i) => scoredReading(stationId, i, ts, 20 + i, i === 1));
    await repository.save(readings);
    // A redelivered chunk: every key is written again and overwrites itself instead of adding a row.
    await repository.save(readings);

    const from = Date.parse('2026-11-23T23:59:58Z');
    const to = Date.parse('2026-11-24T00:00:01Z');
    const seen: [string, number | undefined, boolean][] = [];
    const count = await forEachStoredReading(client, stationId, from, to + 1, (ts, values, isAnomaly) =>
      seen.push([new Date(ts).toISOString(), values.temperature, isAnomaly]),
    );
    expect(count).toBe(3);
    expect(seen).toEqual([
      ['2026-11-23T23:59:58.000Z', 20, false],
      ['2026-11-23T23:59:59.000Z', 22, false],
      ['2026-11-24T00:00:01.000Z', 21, true],
    ]);
    // `to` is not part of the range.
    expect(await forEachStoredReading(client, stationId, from, to, () => {})).toBe(2);

    const stations = createCassandraStationRepository(client);
    expect(await stations.find(stationId, ['factory'])).toMatchObject({ stationId, profile: 'factory' });
    const latest = await stations.recentValues(stationId, from, to + 1, 2);
    expect(latest.map((r) => new Date(r.ts).toISOString())).toEqual([
      '2026-11-24T00:00:01.000Z',
      '2026-11-23T23:59:59.000Z',
    ]);
    const page = await stations.readings(stationId, { from, to: to + 1, limit: 10 });
    expect(page.readings.map((r) => [r.seq, r.isAnomaly, r.detectorVersion])).toEqual([
      [1, true, 'storage-test'],
      [2, false, 'storage-test'],
      [0, false, 'storage-test'],
    ]);
    expect(page.cursor).toBeUndefined();
  });

  it('when compose’s set-up program runs against a secured node, then it logs in as the project’s role and applies the schema again, changing nothing', async () => {
    const run = await runCli('storage/prepare-cassandra.ts', []);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`Role ${process.env.CASSANDRA_USERNAME} logs in.`);
    expect(run.output).toMatch(/Schema applied: \d+ statements from .*cassandra\/schema\.cql/);
  });

  it('when the schema is read back, then the table uses time-window compaction and a TTL', async () => {
    const result = await client.execute(
      "SELECT compaction, default_time_to_live FROM system_schema.tables WHERE keyspace_name = 'sensorwatch' AND table_name = 'readings_by_station'",
    );
    const row = result.first();
    expect(row.get('compaction').class).toBe(
      'org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy',
    );
    expect(row.get('default_time_to_live')).toBe(90 * 24 * 3600);
  });
});
