import { z } from 'zod';
import { NonFiniteNumberError } from '../../common/numbers/finite.js';
import { profileNames, profileOf } from '../../common/reading/profiles.js';
import { validateReading } from '../../common/reading/reading.js';
import { stationIdParam } from '../api/params.js';
import { BODY_ERRORS, COMMON_ERRORS, errorBody } from '../api/problem.js';
import { prediction } from '../api/responses.js';
import { type ApiRoute, defineRoute } from '../api/route.js';
import { HttpError } from '../http-errors.js';
import type { Predictor } from '../predict/predictor.js';

/**
 * One body shape per profile, told apart by `profile`: the OpenAPI document lists each profile's sensors
 * and their valid ranges, so a client (or a fuzzer) knows exactly what is accepted.
 */
const predictBody = z
  .discriminatedUnion(
    'profile',
    profileNames().map((profile) =>
      z.strictObject({
        stationId: stationIdParam().describe('The station whose stored history warms the statistics.'),
        profile: z.literal(profile),
        ts: z.iso
          .datetime({ error: 'expected an ISO 8601 UTC timestamp' })
          .optional()
          .describe('ISO 8601 UTC; default now.'),
        values: z
          .strictObject(
            Object.fromEntries(
              Object.entries(profileOf(profile).sensors).map(([sensor, spec]) => [
                sensor,
                z
                  .number({ error: 'expected a number or null' })
                  .min(spec.validRange[0], {
                    error: `expected at least ${spec.validRange[0]} (the sensor's valid range)`,
                  })
                  .max(spec.validRange[1], {
                    error: `expected at most ${spec.validRange[1]} (the sensor's valid range)`,
                  })
                  .nullable(),
              ]),
            ),
          )
          .describe('Every sensor of the profile; null for a sensor without a value.'),
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? `expected one of ${profileNames().join(', ')}` : undefined,
    },
  )
  .meta({ id: 'PredictRequest' });

export function predictRoutes(deps: { predictor: Predictor; now: () => number }): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/predict',
      operationId: 'predict',
      summary: 'Score a reading with the current models; nothing is stored',
      tag: 'models',
      access: 'public',
      body: predictBody,
      responses: {
        200: { description: 'The verdict.', schema: prediction },
        422: {
          description: 'A valid reading that a model could not judge (its score was not finite).',
          schema: errorBody,
        },
        ...COMMON_ERRORS,
        ...BODY_ERRORS,
      },
      async handle({ body }) {
        const now = deps.now();
        // The same validation as a reading from Kafka: profile, sensors, ranges, timestamp.
        const candidate = {
          readingId: `${body.stationId}:predict`,
          stationId: body.stationId,
          profile: body.profile,
          ts: body.ts ?? new Date(now).toISOString(),
          seq: 0,
          values: body.values,
          label: null,
        };
        const validation = validateReading(Buffer.from(JSON.stringify(candidate)), now);
        if (!validation.ok) throw new HttpError(400, 'invalid_request', validation.reason);
        const result = await deps.predictor.predict(validation.reading).catch((error: unknown) => {
          // A valid reading the models cannot judge (a score that is not finite): say so, never a 5xx.
          if (error instanceof NonFiniteNumberError)
            throw new HttpError(
              422,
              'not_scorable',
              `the models cannot judge this reading: ${error.message}`,
            );
          throw error;
        });
        const { verdict } = result;
        return {
          body: {
            stationId: body.stationId,
            profile: body.profile,
            isAnomaly: verdict.isAnomaly,
            severity: verdict.severity,
            score: verdict.score,
            explanation: result.explanation,
            findings: verdict.findings,
            zScores: verdict.zScores,
            warmingUp: verdict.warmingUp,
            modelVersion: result.modelVersion,
            historyReadings: result.historyReadings,
          },
        };
      },
    }),
  ];
}
