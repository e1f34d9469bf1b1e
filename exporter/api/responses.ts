import { z } from 'zod';

/** Response bodies, shared between the OpenAPI document and the API tests that check every answer. */

const values = z.record(z.string(), z.number()).describe('Sensor values by sensor name.');

export const anomaly = z
  .object({
    stationId: z.string(),
    profile: z.string(),
    ts: z.string(),
    seq: z.number(),
    readingId: z.string(),
    severity: z.string(),
    score: z.number(),
    values,
    explanation: z.string(),
    injectedAnomaly: z.string().nullable().describe('The simulator’s ground-truth label, if any.'),
    detectorVersion: z.string(),
    modelVersion: z.string().nullable(),
  })
  .meta({ id: 'Anomaly' });

export const latestAnomalies = z.object({ count: z.number(), anomalies: z.array(anomaly) });

export const anomalyEpisode = z
  .object({
    stationId: z.string(),
    profile: z.string(),
    start: z.string().describe('Time of its first anomalous reading.'),
    end: z.string().describe('Time of its last anomalous reading.'),
    severity: z.string().describe('The worst severity among its readings.'),
    peakScore: z.number(),
    explanation: z.string().describe('The explanation of its highest-scoring reading.'),
    modelVersion: z.string().nullable(),
    readings: z.number().describe('How many anomalous readings it spans.'),
    title: z.string().describe('Station, severity and length in one line.'),
  })
  .meta({ id: 'AnomalyEpisode' });

export const anomalyEpisodes = z.object({
  count: z.number(),
  truncated: z
    .boolean()
    .describe('More anomalies were in the range than one answer groups; the oldest episodes are left out.'),
  episodes: z.array(anomalyEpisode),
});

export const anomalyCount = z.object({
  range: z.string(),
  from: z.string(),
  to: z.string(),
  total: z.number(),
  bySeverity: z.record(z.string(), z.number()),
});

export const summary = z.object({
  range: z.string(),
  from: z.string(),
  to: z.string(),
  total: z.number(),
  byProfile: z.record(
    z.string(),
    z.object({ total: z.number(), warning: z.number(), critical: z.number(), stations: z.number() }),
  ),
  topStations: z.array(z.object({ stationId: z.string(), profile: z.string(), anomalies: z.number() })),
});

export const station = z
  .object({ stationId: z.string(), profile: z.string(), lastSeen: z.string().nullable() })
  .meta({ id: 'Station' });

export const stationList = z.object({ count: z.number(), stations: z.array(station) });

export const storedReading = z
  .object({
    ts: z.string(),
    seq: z.number(),
    readingId: z.string(),
    values,
    isAnomaly: z.boolean().nullable(),
    severity: z.string().nullable(),
    score: z.number().nullable(),
    explanation: z.string().nullable(),
    injectedAnomaly: z.string().nullable(),
    modelVersion: z.string().nullable(),
    detectorVersion: z.string().nullable(),
  })
  .meta({ id: 'StoredReading' });

export const readingsPage = z.object({
  stationId: z.string(),
  profile: z.string(),
  from: z.string(),
  to: z.string(),
  count: z.number(),
  readings: z.array(storedReading),
  cursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page.'),
});

export const warning = z
  .object({
    stationId: z.string(),
    profile: z.string(),
    sensor: z.string(),
    severity: z.string(),
    direction: z.enum(['above', 'below']),
    threshold: z.number(),
    value: z.number(),
    since: z.string(),
    message: z.string(),
    updatedAt: z.string().describe('Time of the reading that last refreshed the warning.'),
  })
  .meta({ id: 'Warning' });

export const warningFeed = z.object({ count: z.number(), warnings: z.array(warning) });

export const finding = z.object({
  model: z.string(),
  kind: z.string(),
  sensors: z.array(z.string()),
  score: z.number(),
  severity: z.string(),
  explanation: z.string(),
  facts: z.record(z.string(), z.union([z.number(), z.string()])),
});

export const prediction = z.object({
  stationId: z.string(),
  profile: z.string(),
  isAnomaly: z.boolean(),
  severity: z.string(),
  score: z.number(),
  explanation: z.string(),
  findings: z.array(finding),
  zScores: z.record(z.string(), z.number()),
  warmingUp: z.boolean(),
  modelVersion: z.string().nullable(),
  historyReadings: z.number().describe('Stored readings of the station replayed to warm the statistics.'),
});

export const modelVersion = z
  .object({
    profile: z.string(),
    version: z.string(),
    createdAt: z.string(),
    trigger: z.string(),
    trainingFrom: z.string(),
    trainingTo: z.string(),
    trainingVectors: z.number(),
    metrics: z.record(z.string(), z.number()),
    active: z.boolean(),
  })
  .meta({ id: 'ModelVersion' });

export const modelList = z.object({ count: z.number(), versions: z.array(modelVersion) });

export const forecastAccuracy = z
  .object({
    profile: z.string(),
    model: z.string(),
    rmse: z.number(),
    mae: z.number(),
    r2: z.number(),
    mape: z.number().nullable(),
    points: z.number(),
    evaluatedAt: z.string(),
  })
  .meta({ id: 'ForecastAccuracy' });

export const currentModels = z.object({
  profiles: z.array(
    z.object({
      profile: z.string(),
      active: modelVersion.nullable(),
      previousVersion: z.string().nullable(),
      activatedAt: z.string().nullable(),
    }),
  ),
  forecastAccuracy: z.array(forecastAccuracy),
});

export const retrainResult = z.object({
  results: z.array(
    z.object({
      profile: z.string(),
      trained: z.boolean(),
      reason: z.string().optional(),
      version: z.string().optional(),
      readings: z.number(),
      stations: z.number(),
      metrics: z.record(z.string(), z.number()).optional(),
      driftFromPrevious: z
        .record(z.string(), z.number())
        .nullable()
        .optional()
        .describe('PSI per feature of the new training window against the version it replaces.'),
      previousVersion: z.string().nullable().optional(),
    }),
  ),
});

export const activation = z.object({
  profile: z.string(),
  version: z.string(),
  previousVersion: z.string().nullable(),
  activatedAt: z.string(),
  drift: z
    .record(z.string(), z.number())
    .nullable()
    .describe('PSI per feature between the activated version’s training data and the replaced one’s.'),
});

export const forecastPoint = z.object({
  hour: z.string(),
  predicted: z.number(),
  lower: z.number(),
  upper: z.number(),
  baseline: z.number().nullable().describe('The seasonal-naive forecast: the same hour a day earlier.'),
  actual: z.number().nullable().describe('The hour’s mean once it has been rolled up.'),
});

export const forecasts = z.object({
  stationId: z.string(),
  sensor: z.string(),
  model: z.string().nullable(),
  trainedAt: z.string().nullable(),
  interval: z.number().describe('Coverage of the prediction interval, e.g. 0.95.'),
  points: z.array(forecastPoint),
});
