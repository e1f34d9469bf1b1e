import { types } from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { cassandraClient, uniqueName } from './support/stack.js';

const client = cassandraClient('sensorwatch');

describe('Cassandra: the readings table', () => {
  afterAll(() => client.shutdown());

  it('when readings are written with prepared statements, then a station-day reads back newest first', async () => {
    const stationId = uniqueName('station');
    const day = types.LocalDate.fromString('2026-11-23');
    const insert =
      'INSERT INTO readings_by_station (station_id, day, ts, seq, profile, sensor_values, is_anomaly, score, detector_version) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const times = ['2026-11-23T10:00:00Z', '2026-11-23T10:00:02Z', '2026-11-23T10:00:01Z'];
    for (const [i, ts] of times.entries()) {
      await client.execute(
        insert,
        [
          stationId,
          day,
          new Date(ts),
          i,
          'factory',
          { temperature: 20 + i, humidity: 40 },
          i === 1,
          i / 10,
          'test',
        ],
        { prepare: true },
      );
    }
    // The same key again: a redelivered reading overwrites itself instead of adding a row.
    await client.execute(
      insert,
      [
        stationId,
        day,
        new Date(times[0] as string),
        0,
        'factory',
        { temperature: 20, humidity: 40 },
        false,
        0,
        'test',
      ],
      { prepare: true },
    );

    const result = await client.execute(
      'SELECT ts, sensor_values, is_anomaly FROM readings_by_station WHERE station_id = ? AND day = ?',
      [stationId, day],
      { prepare: true },
    );
    expect(result.rows.map((r) => (r.get('ts') as Date).toISOString())).toEqual([
      '2026-11-23T10:00:02.000Z',
      '2026-11-23T10:00:01.000Z',
      '2026-11-23T10:00:00.000Z',
    ]);
    expect(result.rows[0]?.get('sensor_values')).toEqual({ temperature: 21, humidity: 40 });
    expect(result.rows.map((r) => r.get('is_anomaly'))).toEqual([true, false, false]);
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
