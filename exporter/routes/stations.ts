import { z } from 'zod';
import {
  InvalidCursorError,
  rangeOfCursor,
  type StationRepository,
} from '../../storage/station.repository.js';
import { isoTime, limitParam, profileParam, stationIdParam } from '../api/params.js';
import { COMMON_ERRORS, errorBody } from '../api/problem.js';
import { readingsPage, stationList } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import { HttpError } from '../http-errors.js';

const HOUR_MS = 3_600_000;
/** The longest from–to span of one readings query: the history's retention. */
const MAX_SPAN_MS = 90 * 24 * HOUR_MS;

const stationsQuery = z.strictObject({
  profile: profileParam().optional(),
  prefix: z.string().max(96).optional().describe('Only stations whose id starts with this.'),
});

const readingsQuery = z.strictObject({
  from: isoTime().optional().describe('Start (inclusive), ISO 8601 UTC. Default: one hour before `to`.'),
  to: isoTime().optional().describe('End (exclusive), ISO 8601 UTC. Default: now.'),
  limit: limitParam(1000, 100),
  cursor: z.string().max(4096).optional().describe('The `cursor` of the previous page.'),
});

const stationPath = z.strictObject({ id: stationIdParam() });

function cursorRange(cursor: string): { from: number; to: number } {
  try {
    return rangeOfCursor(cursor);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new HttpError(400, 'invalid_request', error.message);
    throw error;
  }
}

export function stationRoutes(deps: {
  stations: StationRepository;
  profiles: () => Promise<string[]>;
  now: () => number;
}): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/stations',
      operationId: 'listStations',
      summary: 'Every station, with its profile and when it was last seen',
      tag: 'stations',
      access: 'public',
      query: stationsQuery,
      responses: {
        200: { description: 'Stations by profile and id.', schema: stationList },
        ...COMMON_ERRORS,
      },
      async handle({ query }) {
        const stations = (
          await deps.stations.list(query.profile ? [query.profile] : await deps.profiles())
        ).filter((s) => !query.prefix || s.stationId.startsWith(query.prefix));
        return { body: { count: stations.length, stations } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/stations/{id}/readings',
      operationId: 'stationReadings',
      summary: 'A station’s stored readings, newest first, one page at a time',
      description:
        'Pages follow Cassandra’s paging state: pass the answer’s `cursor` with the same `from` and `to` for the next page. No read is unbounded: a page is at most `limit` rows.',
      tag: 'stations',
      access: 'public',
      params: stationPath,
      query: readingsQuery,
      responses: {
        200: { description: 'One page of readings.', schema: readingsPage },
        404: { description: 'No such station.', schema: errorBody },
        ...COMMON_ERRORS,
      },
      async handle({ params, query }) {
        // A next page keeps the range of the first: the cursor carries it when from and to were defaulted.
        const paged = query.cursor ? cursorRange(query.cursor) : undefined;
        const to = query.to ?? paged?.to ?? deps.now();
        let from = query.from ?? paged?.from ?? to - HOUR_MS;
        if (from >= to) throw new HttpError(400, 'invalid_request', 'from: expected a time before `to`');
        // Nothing older than the retention exists: a range reaching further back is cut to it.
        if (!paged) from = Math.max(from, to - MAX_SPAN_MS);
        const station = await deps.stations.find(params.id, await deps.profiles());
        if (!station) throw new HttpError(404, 'not_found', `no station ${params.id}`);
        try {
          const page = await deps.stations.readings(params.id, {
            from,
            to,
            limit: query.limit,
            cursor: query.cursor,
          });
          return {
            body: {
              stationId: station.stationId,
              profile: station.profile,
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
              count: page.readings.length,
              ...page,
            },
          };
        } catch (error) {
          if (error instanceof InvalidCursorError) throw new HttpError(400, 'invalid_request', error.message);
          throw error;
        }
      },
    }),
  ];
}
