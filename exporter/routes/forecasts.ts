import { z } from 'zod';
import { isProfileName, profileOf } from '../../common/reading/profiles.js';
import type { ForecastRepository } from '../../storage/forecast.repository.js';
import type { StationRepository } from '../../storage/station.repository.js';
import { sensorParam, stationIdParam } from '../api/params.js';
import { COMMON_ERRORS, errorBody } from '../api/problem.js';
import { forecasts } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import { HttpError } from '../http-errors.js';

const HOUR_MS = 3_600_000;

const hoursParam = (max: number, fallback: number, what: string) =>
  z.coerce
    .number({ error: 'expected a number of hours' })
    .int({ error: 'expected a whole number of hours' })
    .min(0, { error: 'expected at least 0' })
    .max(max, { error: `expected at most ${max}` })
    .default(fallback)
    .describe(what);

const forecastQuery = z.strictObject({
  station: stationIdParam(),
  sensor: sensorParam(),
  horizon: hoursParam(168, 24, 'Hours ahead, from the current hour (0–168).'),
  past: hoursParam(168, 0, 'Past hours to include with their actuals, for forecast-against-actual (0–168).'),
});

export function forecastRoutes(deps: {
  forecasts: ForecastRepository;
  stations: StationRepository;
  profiles: () => Promise<string[]>;
  intervalCoverage: number;
  now: () => number;
}): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/forecasts',
      operationId: 'forecasts',
      summary:
        'Forecasts of a sensor’s hourly mean, with prediction interval, baseline and (for past hours) actual',
      description: 'Written by the batch job (`npm run forecast`); empty until it has run for the station.',
      tag: 'forecasts',
      access: 'public',
      cacheSeconds: 30,
      query: forecastQuery,
      responses: {
        200: { description: 'Hourly forecasts, oldest first.', schema: forecasts },
        404: { description: 'No such station.', schema: errorBody },
        ...COMMON_ERRORS,
      },
      async handle({ query }) {
        const station = await deps.stations.find(query.station, await deps.profiles());
        if (!station) throw new HttpError(404, 'not_found', `no station ${query.station}`);
        if (isProfileName(station.profile) && !(query.sensor in profileOf(station.profile).sensors)) {
          const known = Object.keys(profileOf(station.profile).sensors).join(', ');
          throw new HttpError(400, 'invalid_request', `sensor: ${station.profile} stations have ${known}`);
        }
        const currentHour = Math.floor(deps.now() / HOUR_MS) * HOUR_MS;
        const from = currentHour - query.past * HOUR_MS;
        const to = currentHour + Math.max(1, query.horizon) * HOUR_MS;
        const stored = await deps.forecasts.forecastsOf(query.station, query.sensor, from, to);
        const actuals =
          query.past > 0
            ? new Map(
                (await deps.forecasts.rollupsOf(query.station, query.sensor, 'hour', from, currentHour)).map(
                  (r) => [r.bucket, r.mean],
                ),
              )
            : new Map<number, number>();
        const latest = stored.at(-1);
        return {
          body: {
            stationId: query.station,
            sensor: query.sensor,
            model: latest?.model ?? null,
            trainedAt: latest ? new Date(latest.trainedAt).toISOString() : null,
            interval: deps.intervalCoverage,
            points: stored.map((f) => ({
              hour: new Date(f.hour).toISOString(),
              predicted: f.predicted,
              lower: f.lower,
              upper: f.upper,
              baseline: f.baseline,
              actual: actuals.get(f.hour) ?? null,
            })),
          },
        };
      },
    }),
  ];
}
