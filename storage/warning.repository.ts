import type { Client } from 'cassandra-driver';

export interface ActiveWarning {
  readonly stationId: string;
  readonly profile: string;
  readonly sensor: string;
  readonly severity: string;
  readonly direction: 'above' | 'below';
  readonly threshold: number;
  readonly value: number;
  readonly since: string;
  readonly message: string;
  readonly updatedAt: string;
}

export interface WarningRepository {
  /** Threshold warnings in force for stations of the given profiles (the detector keeps the table current). */
  active(profiles: readonly string[]): Promise<ActiveWarning[]>;
}

export function createCassandraWarningRepository(client: Client): WarningRepository {
  return {
    async active(profiles) {
      const warnings: ActiveWarning[] = [];
      for (const profile of profiles) {
        const result = await client.execute(
          `SELECT station_id, sensor, severity, direction, threshold, value, since, message, reading_ts
           FROM active_warnings WHERE profile = ?`,
          [profile],
          { prepare: true, fetchSize: 5_000 },
        );
        for await (const row of result) {
          warnings.push({
            stationId: row.get('station_id'),
            profile,
            sensor: row.get('sensor'),
            severity: row.get('severity'),
            direction: row.get('direction'),
            threshold: row.get('threshold'),
            value: row.get('value'),
            since: (row.get('since') as Date).toISOString(),
            message: row.get('message'),
            updatedAt: (row.get('reading_ts') as Date).toISOString(),
          });
        }
      }
      return warnings;
    },
  };
}
