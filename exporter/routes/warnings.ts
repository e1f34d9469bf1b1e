import { z } from 'zod';
import { profileNames } from '../../common/reading/profiles.js';
import type { WarningRepository } from '../../storage/warning.repository.js';
import { profileListParam, severityParam, stationListParam } from '../api/params.js';
import { COMMON_ERRORS } from '../api/problem.js';
import { warningFeed } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1 };

const warningsQuery = z.strictObject({
  area: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,95}$/, {
      error: 'expected the start of station ids, e.g. environment-north',
    })
    .optional()
    .describe('An area: stations are named by area, so this is the start of their ids (environment-north).'),
  station: stationListParam()
    .optional()
    .describe(
      "The areas of these stations, comma-separated (e.g. Grafana's ${station:csv}): a station's area is its id without its last part, environment-north for environment-north-s001.",
    ),
  severity: severityParam().optional(),
  profile: profileListParam().optional(),
});

/** A station's area: its id without the last dash-separated part (environment-north-s001 → environment-north-). */
function areaOf(stationId: string): string {
  const cut = stationId.lastIndexOf('-');
  return cut > 0 ? stationId.slice(0, cut + 1) : stationId;
}

export function warningRoutes(deps: { warnings: WarningRepository }): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/warnings',
      operationId: 'activeWarnings',
      summary: 'Threshold warnings in force (the citizen-facing feed of the city sensors)',
      description:
        'A warning appears once its rule has fired for its minimum duration and drops out once the rule’s hysteresis clears it. Critical first, then oldest first.',
      tag: 'warnings',
      access: 'public',
      cacheSeconds: 2,
      query: warningsQuery,
      responses: { 200: { description: 'Warnings in force.', schema: warningFeed }, ...COMMON_ERRORS },
      async handle({ query }) {
        const areas = query.station?.map(areaOf);
        const warnings = (await deps.warnings.active(query.profile ?? profileNames()))
          .filter((w) => !query.area || w.stationId.startsWith(query.area))
          .filter((w) => !areas || areas.some((area) => w.stationId.startsWith(area)))
          .filter((w) => !query.severity || w.severity === query.severity)
          .sort(
            (a, b) =>
              (SEVERITY_ORDER[a.severity] ?? 2) - (SEVERITY_ORDER[b.severity] ?? 2) ||
              a.since.localeCompare(b.since),
          );
        return { body: { count: warnings.length, warnings } };
      },
    }),
  ];
}
