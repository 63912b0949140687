// All settings, parsed and validated once. Nothing else reads process.env.
import path from 'node:path';
import { z } from 'zod';
import { MONTH_PATTERN } from './features/month';
import { DEFAULT_ID_SHARD_BYTES } from './pipeline/id-lists';
import { defaultFeedbackSettings } from './pipeline/settings';
import { DEFAULT_MAX_RECORD_BYTES } from './storage/csv-record-reader';
import { defaultValidationThresholds, type ValidationThresholds } from './validation/thresholds';

const projectRoot = path.resolve(import.meta.dirname, '..');

const optionalString = z.string().trim().min(1).optional();
const port = z.coerce.number().int().min(0).max(65535);

/** VALIDATION_JS_BLOCK etc.: one variable per validation threshold, defaulting to the documented values. */
const validationVariable = (key: string) => `VALIDATION_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
const validationFields = Object.fromEntries(
  Object.entries(defaultValidationThresholds).map(([key, value]) => [validationVariable(key), z.coerce.number().min(0).default(value)]),
);

const schema = z.object({
  ...validationFields,
  DATA_DIR: z.string().default(path.join(projectRoot, '.data')),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  PIPELINE_TASK_QUEUE: z.string().default('adclick-pipeline'),
  TRAINING_TASK_QUEUE: z.string().default('adclick-training'),
  STORAGE_URL: optionalString,
  GCS_API_ENDPOINT: z.url().optional(),
  GCS_PROJECT_ID: z.string().default('adclick-local'),
  // Under the data activities' 30 s heartbeat timeout, so a dead read fails its attempt with its own reason.
  GCS_STALL_SECONDS: z.coerce.number().positive().default(20),
  TF_BACKEND: z.enum(['auto', 'gpu', 'native', 'js']).default('auto'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(8080),
  // Parsed when the API starts (api/auth/), whose messages never echo a token.
  API_TOKENS: z.string().optional(),
  API_TOKENS_FILE: optionalString,
  SERVING_POLL_SECONDS: z.coerce.number().positive().default(30),
  SERVING_IMAGE_DEADLINE_MS: z.coerce.number().int().positive().default(500),
  SERVING_IMAGE_CACHE_SIZE: z.coerce.number().int().min(1).default(10_000),
  SERVING_BATCH_WINDOW_MS: z.coerce.number().min(0).max(1000).default(2),
  SERVING_MAX_BATCH_ROWS: z.coerce.number().int().min(1).default(256),
  // On by default: with it off, the API aborted with heap corruption under the CPU profiler (cause unknown).
  SERVING_ONEDNN: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  // One by default: a serving pass is a small batch, and a second TensorFlow thread only competes with the event loop.
  SERVING_TF_THREADS: z.coerce.number().int().min(0).default(1),
  PREDICTION_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  PREDICTION_LOG_FLUSH_RECORDS: z.coerce.number().int().min(1).default(10_000),
  PREDICTION_LOG_FLUSH_SECONDS: z.coerce.number().positive().default(60),
  PREDICTION_LOG_MAX_BUFFERED: z.coerce.number().int().min(1).default(100_000),
  PREDICTION_LOG_INSTANCES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  DEMO_MONTHS: z
    .string()
    .refine((value) => value.split(',').every((month) => MONTH_PATTERN.test(month)), 'comma-separated YYYY-MM months')
    .optional(),
  DEMO_IMPRESSIONS: z.coerce.number().int().min(1000).default(200_000),
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(30),
  // Activities one pipeline worker runs at once: what bounds its memory, whatever the month's size.
  PIPELINE_WORKER_ACTIVITIES: z.coerce.number().int().min(1).default(8),
  /** host:port where a worker process serves the Temporal SDK's Prometheus metrics; empty: off. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^$|^[\w.-]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:9464')
    .default(''),
  INGEST_SPLIT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(64 * 1024 * 1024),
  INGEST_ROWS_PER_PART: z.coerce.number().int().min(100).default(250_000),
  INGEST_MAX_RECORD_BYTES: z.coerce.number().int().min(256).default(DEFAULT_MAX_RECORD_BYTES),
  INGEST_ID_SHARD_BYTES: z.coerce.number().int().min(1).default(DEFAULT_ID_SHARD_BYTES),
  INGEST_IMAGES_PER_PART: z.coerce.number().int().min(1).default(4096),
  DATASET_SHARD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  TRAIN_DATASET_MEMORY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 ** 3),
  /** Rows per forward pass when batch scoring: with the part's writers, all a scoring activity holds in memory. */
  BATCH_SCORE_ROWS: z.coerce.number().int().min(1).max(65_536).default(2048),
  HOLDOUT_DAYS: z.coerce.number().int().min(1).max(20).default(7),
  VALIDATION_DAYS: z.coerce.number().int().min(1).max(7).default(4),
  TRAIN_MAX_EPOCHS: z.coerce.number().int().min(1).default(8),
  TRAIN_PATIENCE: z.coerce.number().int().min(1).default(2),
  TRAIN_BATCH_SIZE: z.coerce.number().int().min(8).default(2048),
  TRAIN_LEARNING_RATE: z.coerce.number().positive().default(0.003),
  TRAIN_EMBEDDING_L2: z.coerce.number().min(0).default(0.0003),
  TRAIN_ID_DROPOUT: z.coerce.number().min(0).max(0.9).default(0.1),
  TRAIN_LINEAR_LEARNING_RATE: z.coerce.number().positive().default(0.01),
  TRAIN_LINEAR_L2: z.coerce.number().min(0).default(0.0001),
  TRAIN_SEED: z.coerce.number().int().default(42),
  TUNE_TRIALS: z.coerce.number().int().min(1).max(32).default(1),
  TRAIN_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(5).default(30),
  BLESS_MIN_AUC: z.coerce.number().min(0).max(1).default(0.6),
  BLESS_MAX_LOG_LOSS: z.coerce.number().positive().default(0.3),
  BLESS_MAX_CALIBRATION_ERROR: z.coerce.number().positive().default(0.1),
  BLESS_MAX_AUC_DROP: z.coerce.number().min(0).default(0.01),
  BLESS_MAX_LOG_LOSS_INCREASE: z.coerce.number().min(0).default(0.02),
  BLESS_MAX_BASELINE_GAP: z.coerce.number().min(0).default(0),
  FEEDBACK_MAX_CALIBRATION_RATIO: z.coerce.number().min(1).default(defaultFeedbackSettings.maxCalibrationRatio),
  FEEDBACK_LOG_MARGIN_DAYS: z.coerce.number().int().min(0).max(31).default(defaultFeedbackSettings.marginDays),
  FEEDBACK_PARTITION_BYTES: z.coerce.number().int().min(1).default(defaultFeedbackSettings.partitionBytes),
  SCHEDULE_ID: z.string().default('adclick-monthly'),
  SCHEDULE_CRON: z.string().default('0 6 1 * *'),
  SCHEDULE_CATCHUP_WINDOW_DAYS: z.coerce.number().int().min(1).default(7),
  CODE_VERSION: z.string().default('dev'),
});

export type Config = z.infer<typeof schema> & { storageUrl: string; validation: ValidationThresholds };

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(known[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  // Laptop default: a plain directory stands in for the bucket.
  const storageUrl = parsed.data.STORAGE_URL ?? `file://${path.join(parsed.data.DATA_DIR, 'bucket')}`;
  const data = parsed.data as Record<string, unknown>;
  const validation = Object.fromEntries(
    Object.keys(defaultValidationThresholds).map((key) => [key, data[validationVariable(key)]]),
  ) as unknown as ValidationThresholds;
  return { ...parsed.data, storageUrl, validation };
}
