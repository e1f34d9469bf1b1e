import { z } from 'zod';

/**
 * The part of a `sensor.readings.scored` message its readers need (written by encodeScored in
 * scored-reading.ts). Both versions parse: version 1 (no `v`) carried every field here and more, so a
 * topic that still holds them, mid-upgrade, is read alike.
 */
export const scoredMessageSchema = z.object({
  v: z.number().int().positive().optional(),
  stationId: z.string(),
  profile: z.string(),
  ts: z.string(),
  seq: z.number().int().nonnegative().optional(),
  values: z.record(z.string(), z.number().nullable()),
  verdict: z.object({
    isAnomaly: z.boolean(),
    severity: z.enum(['none', 'warning', 'critical']),
    score: z.number(),
    zScores: z.record(z.string(), z.number()),
    /** Anomalies only: the sensors blamed, worst first, and the account of why. */
    sensors: z.array(z.string()).optional(),
    explanation: z.string().optional(),
  }),
});

export type ScoredMessage = z.infer<typeof scoredMessageSchema>;

export type ParsedScoredMessage =
  | { readonly ok: true; readonly message: ScoredMessage }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses a scored message, or says why it is not one (counted and logged by the caller, never thrown).
 * A score that is not finite cannot reach here as a number (JSON has none), so it arrives as null and is
 * rejected by the schema with the field's path.
 */
export function parseScoredMessage(raw: Buffer | null): ParsedScoredMessage {
  if (!raw) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = scoredMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'message'}: ${issue?.message}` };
}
