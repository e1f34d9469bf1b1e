import { z } from 'zod';
import { profileNames } from '../../common/reading/profiles.js';
import { limitParam } from '../api/params.js';
import { COMMON_ERRORS } from '../api/problem.js';
import { summary } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import type { AnomalyCounts } from '../history/anomaly-counts.js';
import { timeRange } from '../history/time-range.js';

const summaryQuery = z.strictObject({
  range: timeRange().default(3_600_000).describe('How far back (15m, 4h, 30d; at most 90d). Default 1h.'),
  top: limitParam(100, 10).describe('How many of the most anomalous stations to list, 1–100.'),
});

export function summaryRoutes(deps: { counts: AnomalyCounts; now: () => number }): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/summary',
      operationId: 'summary',
      summary: 'Anomalies per profile and severity over a range, with the most anomalous stations',
      tag: 'anomalies',
      access: 'public',
      cacheSeconds: 10,
      query: summaryQuery,
      responses: { 200: { description: 'The summary.', schema: summary }, ...COMMON_ERRORS },
      async handle({ query, request }) {
        const to = deps.now();
        const from = to - query.range;
        const counts = await deps.counts.between(from, to);
        const byProfile: Record<
          string,
          { total: number; warning: number; critical: number; stations: number }
        > = Object.fromEntries(
          profileNames().map((p) => [p, { total: 0, warning: 0, critical: 0, stations: 0 }]),
        );
        const byStation = new Map<string, { stationId: string; profile: string; anomalies: number }>();
        for (const count of counts) {
          const profile = byProfile[count.profile] ?? { total: 0, warning: 0, critical: 0, stations: 0 };
          byProfile[count.profile] = profile;
          profile.total += count.count;
          if (count.severity === 'warning' || count.severity === 'critical')
            profile[count.severity] += count.count;
          const station = byStation.get(count.stationId);
          if (station) station.anomalies += count.count;
          else {
            profile.stations += 1;
            byStation.set(count.stationId, {
              stationId: count.stationId,
              profile: count.profile,
              anomalies: count.count,
            });
          }
        }
        const topStations = [...byStation.values()]
          .sort((a, b) => b.anomalies - a.anomalies || a.stationId.localeCompare(b.stationId))
          .slice(0, query.top);
        return {
          body: {
            range: typeof request.query.range === 'string' ? request.query.range : '1h',
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
            total: Object.values(byProfile).reduce((sum, p) => sum + p.total, 0),
            byProfile,
            topStations,
          },
        };
      },
    }),
  ];
}
