import { z } from 'zod';
import { envKey, intInRange, list } from '../common/config/env.js';

/** Every model the scoring core can run, in the order it runs them. */
export const MODEL_NAMES = ['stats', 'kmeans', 'isolation_forest', 'rules', 'seasonal', 'forecast'] as const;

const positive = () => z.coerce.number({ error: 'expected a number' }).positive({ error: 'expected > 0' });

/**
 * The scoring settings, declared once: the detector judges with them, and the exporter's predict and
 * retrain read the same keys so they judge readings as the detector does.
 */
export const SCORING_KEYS = {
  warningZ: envKey(
    'DETECTOR_WARNING_Z',
    positive().default(3),
    '|z| at which a reading is an anomaly (warning).',
  ),
  criticalZ: envKey('DETECTOR_CRITICAL_Z', positive().default(5), '|z| at which an anomaly is critical.'),
  warmUp: envKey(
    'DETECTOR_WARM_UP',
    intInRange(2, 100_000).default(30),
    'Readings a sensor needs before it is judged.',
  ),
  window: envKey(
    'DETECTOR_WINDOW',
    intInRange(10, 1_000_000).default(300),
    'Effective window of the moving mean and deviation, in readings.',
  ),
  models: envKey(
    'DETECTOR_MODELS',
    list()
      .default(['stats', 'kmeans', 'isolation_forest', 'rules', 'seasonal', 'forecast'])
      .refine((names) => names.every((n) => MODEL_NAMES.includes(n as never)), {
        error: `expected a comma-separated subset of ${MODEL_NAMES.join(', ')}`,
      }),
    'Models that judge each reading; a reading is anomalous when any of them finds it so.',
  ),
  modelWindow: envKey(
    'DETECTOR_MODEL_WINDOW',
    intInRange(100, 1_000_000).default(4_000),
    'Recent normal readings per profile that K-means and the Isolation Forest are trained on.',
  ),
  modelMinTraining: envKey(
    'DETECTOR_MODEL_MIN_TRAINING',
    intInRange(100, 1_000_000).default(1_000),
    'Normal readings a profile needs before its multi-sensor models are first trained.',
  ),
};
