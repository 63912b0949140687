// All settings, parsed and validated once. Nothing else reads process.env.
import path from 'node:path';
import { z } from 'zod';

const projectRoot = path.resolve(import.meta.dirname, '..');

const optionalString = z.string().trim().min(1).optional();
const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
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
  TF_BACKEND: z.enum(['auto', 'gpu', 'native', 'js']).default('auto'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(8080),
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(30),
});

export type Config = z.infer<typeof schema> & { storageUrl: string };

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
  return { ...parsed.data, storageUrl };
}
