import { z } from 'zod';
import type { AnomalyRepository } from '../../storage/anomaly.repository.js';
import {
  isoTime,
  limitParam,
  profileListParam,
  profileParam,
  severityParam,
  stationIdParam,
  stationListParam,
} from '../api/params.js';
import { COMMON_ERRORS } from '../api/problem.js';
import { anomalyCount, anomalyEpisodes as anomalyEpisodesBody, latestAnomalies } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import { type AnomalyCounts, totalsBy } from '../history/anomaly-counts.js';
import { anomalyEpisodes } from '../history/anomaly-episodes.js';
import { timeRange } from '../history/time-range.js';
import { HttpError } from '../http-errors.js';

/** The longest from–to span these routes walk: each hour is a partition read. */
const MAX_SPAN_MS = 7 * 86_400_000;
/** The most anomalies an episodes request groups; past it, the oldest episodes are cut. */
const EPISODE_ROWS = 5_000;

const range = {
  from: isoTime()
    .optional()
    .describe(
      "Oldest time (inclusive), ISO 8601 UTC, e.g. Grafana's ${__from:date:iso}. At most 7 days before `to`.",
    ),
  to: isoTime()
    .optional()
    .describe('Newest time (exclusive), ISO 8601 UTC, e.g. ${__to:date:iso}. Default: now.'),
};

export const latestAnomaliesQuery = z.strictObject({
  limit: limitParam(1000, 50),
  profile: profileListParam().optional(),
  severity: severityParam().optional(),
  station: stationListParam().optional(),
  ...range,
});

const episodesQuery = z.strictObject({
  station: stationListParam(),
  profile: profileListParam().optional(),
  severity: severityParam().optional(),
  gap: timeRange()
    .optional()
    .describe(
      'The longest quiet between two anomalies of one episode: a number and a unit m, h or d. Default: 2m.',
    ),
  ...range,
});

/** The range asked for: `to` defaults to now, `from` to the look-back; a span over 7 days is a 400. */
function rangeOf(query: { from?: number; to?: number }, now: number): { from?: number; until: number } {
  const until = query.to ?? now;
  if (query.from === undefined) return { until };
  if (query.from >= until) throw new HttpError(400, 'invalid_request', 'from: expected a time before `to`');
  if (until - query.from > MAX_SPAN_MS)
    throw new HttpError(400, 'invalid_request', 'from: expected at most 7 days before `to`');
  return { from: query.from, until };
}

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
      description:
        'Within `from`–`to` when given (Grafana’s time range), else the newest over the exporter’s look-back (EXPORTER_LOOKBACK_HOURS).',
      tag: 'anomalies',
      access: 'public',
      cacheSeconds: 1,
      query: latestAnomaliesQuery,
      responses: { 200: { description: 'Newest first.', schema: latestAnomalies }, ...COMMON_ERRORS },
      async handle({ query }) {
        const { from, until } = rangeOf(query, deps.now());
        const anomalies = await deps.anomalies.latest(
          {
            limit: query.limit,
            ...(query.profile ? { profiles: query.profile } : {}),
            ...(query.severity ? { severity: query.severity } : {}),
            ...(query.station ? { stationIds: query.station } : {}),
            ...(from !== undefined ? { from } : {}),
          },
          until,
        );
        return { body: { count: anomalies.length, anomalies } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/anomalies/episodes',
      operationId: 'anomalyEpisodes',
      summary: 'Stations’ anomaly episodes: runs of anomalous readings, with start, end and explanation',
      description:
        'An episode is a run of one station’s anomalies with no quiet longer than `gap` between two of them. Its severity is the worst of its readings; its explanation and model version are those of its highest-scoring reading. Newest first. Grafana’s station detail draws them as annotations.',
      tag: 'anomalies',
      access: 'public',
      cacheSeconds: 5,
      query: episodesQuery,
      responses: {
        200: { description: 'Newest first.', schema: anomalyEpisodesBody },
        ...COMMON_ERRORS,
      },
      async handle({ query }) {
        const { from, until } = rangeOf(query, deps.now());
        const rows = await deps.anomalies.latest(
          {
            limit: EPISODE_ROWS,
            stationIds: query.station,
            ...(query.profile ? { profiles: query.profile } : {}),
            ...(query.severity ? { severity: query.severity } : {}),
            ...(from !== undefined ? { from } : {}),
          },
          until,
        );
        const gap = query.gap ?? 120_000;
        const episodes = anomalyEpisodes(rows, gap);
        // Rows come newest first: at the cap, every row after the oldest one read is in, so only an
        // episode starting within a gap of it may have begun earlier. Those are left out rather than
        // shown shorter than they were.
        const oldest = rows.at(-1);
        const truncated = rows.length >= EPISODE_ROWS && oldest !== undefined;
        const shown = truncated
          ? episodes.filter((e) => Date.parse(e.start) - Date.parse(oldest.ts) > gap)
          : episodes;
        return { body: { count: shown.length, truncated, episodes: shown } };
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
