import { z } from 'zod';

/** The part of a `sensor.readings.scored` message the live gauges need (see detector/scored-reading.ts). */
export const scoredMessageSchema = z.object({
  stationId: z.string(),
  profile: z.string(),
  ts: z.string(),
  values: z.record(z.string(), z.number().nullable()),
  verdict: z.object({
    isAnomaly: z.boolean(),
    severity: z.enum(['none', 'warning', 'critical']),
    score: z.number(),
    zScores: z.record(z.string(), z.number()),
  }),
});

export type ScoredMessage = z.infer<typeof scoredMessageSchema>;

/** Parses a scored message, or returns undefined for anything else (counted by the caller, never thrown). */
export function parseScoredMessage(raw: Buffer | null): ScoredMessage | undefined {
  if (!raw) return undefined;
  try {
    const parsed = scoredMessageSchema.safeParse(JSON.parse(raw.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
