import { z } from 'zod';
import { profileNames } from '../../common/reading/profiles.js';
import type { ForecastRepository } from '../../storage/forecast.repository.js';
import type { VersionSummary } from '../../storage/model-registry.js';
import { RegistryError } from '../../storage/model-registry.js';
import { limitParam, profileParam } from '../api/params.js';
import { BODY_ERRORS, COMMON_ERRORS, errorBody } from '../api/problem.js';
import { activation, currentModels, modelList, retrainResult } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import { HttpError } from '../http-errors.js';
import type { ModelAdmin } from '../models/model-admin.js';

const ADMIN_ERRORS = {
  401: { description: 'No bearer token.', schema: errorBody },
  403: { description: 'Not the admin token.', schema: errorBody },
  404: {
    description: 'Admin routes are off (no EXPORTER_ADMIN_TOKEN), or no such version.',
    schema: errorBody,
  },
  400: COMMON_ERRORS[400],
} as const;

const listQuery = z.strictObject({ profile: profileParam().optional(), limit: limitParam(100, 20) });

const retrainBody = z
  .strictObject({
    profile: profileParam().optional().describe('One profile; every profile when absent.'),
    hours: z
      .number({ error: 'expected a number of hours' })
      .positive({ error: 'expected more than 0 hours' })
      .max(24 * 90, { error: 'expected at most 2160 hours (90 days)' })
      .default(24)
      .describe('How much history to train on.'),
  })
  .meta({ id: 'RetrainRequest' });

const versionPath = z.strictObject({
  version: z
    .string()
    .regex(/^[a-z0-9_]+-\d{14}-[0-9a-f]{4}$/, {
      error: 'expected a version id like factory-20261123101500-a1b2',
    })
    .describe('A version id, `<profile>-<yyyymmddHHMMss>-<hex>`.'),
});

const iso = (ms: number) => new Date(ms).toISOString();
const summaryOf = (v: VersionSummary, active: boolean) => ({
  profile: v.profile,
  version: v.version,
  createdAt: iso(v.createdAt),
  trigger: v.trigger,
  trainingFrom: iso(v.trainingFrom),
  trainingTo: iso(v.trainingTo),
  trainingVectors: v.trainingVectors,
  metrics: v.metrics,
  active,
});

/** The profile a version id belongs to: the longest profile name it starts with. */
export function profileOfVersion(version: string): string | undefined {
  return profileNames()
    .filter((p) => version.startsWith(`${p}-`) && /^\d{14}-[0-9a-f]{4}$/.test(version.slice(p.length + 1)))
    .sort((a, b) => b.length - a.length)[0];
}

export function modelRoutes(deps: {
  admin: ModelAdmin;
  forecasts: ForecastRepository;
  now: () => number;
}): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/models',
      operationId: 'listModels',
      summary: 'Model registry: versions per profile, newest first, with their training metrics',
      tag: 'models',
      access: 'public',
      query: listQuery,
      responses: { 200: { description: 'Versions.', schema: modelList }, ...COMMON_ERRORS },
      async handle({ query }) {
        const versions = await deps.admin.versions(
          query.profile ? [query.profile] : profileNames(),
          query.limit,
        );
        return { body: { count: versions.length, versions: versions.map((v) => summaryOf(v, v.active)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/models/current',
      operationId: 'currentModels',
      summary:
        'The version each profile uses now, and the forecasters’ accuracy against the seasonal-naive baseline',
      tag: 'models',
      access: 'public',
      responses: { 200: { description: 'Current models.', schema: currentModels }, 429: COMMON_ERRORS[429] },
      async handle() {
        const active = await deps.admin.active();
        const profiles = [];
        for (const profile of profileNames()) {
          const current = active.get(profile);
          const summary = current
            ? (await deps.admin.registry.list(profile, 100)).find((v) => v.version === current.version)
            : undefined;
          profiles.push({
            profile,
            active: summary ? summaryOf(summary, true) : null,
            previousVersion: current?.previousVersion ?? null,
            activatedAt: current ? iso(current.activatedAt) : null,
          });
        }
        const forecastAccuracy = (await deps.forecasts.accuracy()).map((a) => ({
          ...a,
          evaluatedAt: iso(a.evaluatedAt),
        }));
        return { body: { profiles, forecastAccuracy } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/models/retrain',
      operationId: 'retrainModels',
      summary: 'Train new versions from history and activate them (admin)',
      tag: 'models',
      access: 'admin',
      body: retrainBody,
      responses: {
        200: { description: 'One result per profile.', schema: retrainResult },
        ...ADMIN_ERRORS,
        ...BODY_ERRORS,
      },
      async handle({ body }) {
        const now = deps.now();
        const results = [];
        for (const profile of body.profile ? [body.profile] : profileNames()) {
          const result = await deps.admin.retrain(profile, body.hours, now);
          results.push(
            result.trained
              ? {
                  profile,
                  trained: true,
                  version: result.bundle.version,
                  readings: result.readings,
                  stations: result.stations,
                  metrics: { ...result.bundle.metrics },
                  driftFromPrevious: result.driftFromPrevious ?? null,
                  previousVersion: result.active?.previousVersion ?? null,
                }
              : {
                  profile,
                  trained: false,
                  reason: result.reason,
                  readings: result.readings,
                  stations: result.stations,
                },
          );
        }
        return { body: { results } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/models/{version}/activate',
      operationId: 'activateModel',
      summary: 'Make a version its profile’s active one (admin); detectors adopt it at their next poll',
      tag: 'models',
      access: 'admin',
      params: versionPath,
      responses: { 200: { description: 'Activated.', schema: activation }, ...ADMIN_ERRORS },
      async handle({ params }) {
        const profile = profileOfVersion(params.version);
        if (!profile)
          throw new HttpError(404, 'not_found', `version ${params.version} belongs to no known profile`);
        try {
          const { active, drift } = await deps.admin.activate(profile, params.version, deps.now());
          return {
            body: {
              profile,
              version: active.version,
              previousVersion: active.previousVersion ?? null,
              activatedAt: iso(active.activatedAt),
              drift,
            },
          };
        } catch (error) {
          if (error instanceof RegistryError) throw new HttpError(404, 'not_found', error.message);
          throw error;
        }
      },
    }),
  ];
}
