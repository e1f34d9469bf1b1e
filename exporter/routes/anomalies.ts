import { Router } from 'express';
import { z } from 'zod';
import { isProfileName, profileNames } from '../../common/reading/profiles.js';
import type { AnomalyRepository } from '../anomaly.repository.js';
import { validQuery } from '../http-errors.js';

export const latestAnomaliesQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'expected at least 1' })
    .max(1000, { error: 'expected at most 1000' })
    .default(50),
  profile: z
    .string()
    .refine(isProfileName, { error: () => `expected one of ${profileNames().join(', ')}` })
    .optional(),
  severity: z.enum(['warning', 'critical'], { error: 'expected warning or critical' }).optional(),
  station: z.string().min(1).max(96).optional(),
});

export function anomaliesRouter(repository: AnomalyRepository, now = () => Date.now()): Router {
  const router = Router();
  router.get('/api/anomalies/latest', async (request, response) => {
    const query = validQuery(latestAnomaliesQuery, request.query);
    const anomalies = await repository.latest(
      {
        limit: query.limit,
        ...(query.profile ? { profile: query.profile } : {}),
        ...(query.severity ? { severity: query.severity } : {}),
        ...(query.station ? { stationId: query.station } : {}),
      },
      now(),
    );
    response.json({ count: anomalies.length, anomalies });
  });
  return router;
}
