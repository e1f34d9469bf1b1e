import { z } from 'zod';
import type { AnomalyRepository } from '../../storage/anomaly.repository.js';
import { limitParam, profileParam, severityParam, stationIdParam } from '../api/params.js';
import { COMMON_ERRORS } from '../api/problem.js';
import { anomalyCount, latestAnomalies } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import { type AnomalyCounts, totalsBy } from '../history/anomaly-counts.js';
import { timeRange } from '../history/time-range.js';

export const latestAnomaliesQuery = z.strictObject({
  limit: limitParam(1000, 50),
  profile: profileParam().optional(),
  severity: severityParam().optional(),
  station: stationIdParam().optional(),
});

const countQuery = z.strictObject({
  range: timeRange().describe('How far back: a number and a unit m, h or d (15m, 4h, 30d; at most 90d).'),
  station: stationIdParam().optional(),
  profile: profileParam().optional(),
});

export function anomalyRoutes(deps: {
  anomalies: AnomalyRepository;
  counts: AnomalyCounts;
  now: () => number;
}): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/anomalies/latest',
      operationId: 'latestAnomalies',
      summary: 'Newest anomalies, with their explanation and model version',
      tag: 'anomalies',
      access: 'public',
      cacheSeconds: 1,
      query: latestAnomaliesQuery,
      responses: { 200: { description: 'Newest first.', schema: latestAnomalies }, ...COMMON_ERRORS },
      async handle({ query }) {
        const anomalies = await deps.anomalies.latest(
          {
            limit: query.limit,
            ...(query.profile ? { profile: query.profile } : {}),
            ...(query.severity ? { severity: query.severity } : {}),
            ...(query.station ? { stationId: query.station } : {}),
          },
          deps.now(),
        );
        return { body: { count: anomalies.length, anomalies } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/anomalies/count',
      operationId: 'countAnomalies',
      summary: 'How many anomalies over a time range, by severity',
      tag: 'anomalies',
      access: 'public',
      cacheSeconds: 5,
      query: countQuery,
      responses: { 200: { description: 'Counts over the range.', schema: anomalyCount }, ...COMMON_ERRORS },
      async handle({ query, request }) {
        const to = deps.now();
        const from = to - query.range;
        const counts = await deps.counts.between(from, to, {
          stationId: query.station,
          profile: query.profile,
        });
        const bySeverity = { warning: 0, critical: 0, ...totalsBy(counts, 'severity') };
        return {
          body: {
            range: String(request.query.range),
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
            total: bySeverity.warning + bySeverity.critical,
            bySeverity,
          },
        };
      },
    }),
  ];
}
