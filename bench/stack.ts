// What the benchmarks run against: a real Temporal dev server, and real pipeline and training workers
// on a local bucket for one monthly run. (The API: api/lib/start-api.ts with benchConfig's free port and token.)
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig, type Config } from '../core/config';
import { pipelineSettings } from '../core/pipeline/settings';
import { connectClient } from '../core/temporal/connect';
import { freePort } from '../devstack/processes';
import { startTemporalDevServer, type TemporalDevServer } from '../devstack/temporal-dev-server';
import { startWorkers } from '../workers/run-workers';
import { monthlyPipeline, type PipelineProgress } from '../workflows/monthly-pipeline';

/** Where the benchmark's API listens, and the token it calls it with. */
export interface BenchApi {
  url: string;
  token: string;
}

/** The benchmarks' own admin token for the API they start: fresh each run, configured by benchConfig. */
export const BENCH_API_TOKEN = randomBytes(32).toString('base64url');

export function startBenchTemporal(dir: string): Promise<TemporalDevServer> {
  return freePort().then((port) => startTemporalDevServer({ port, logFile: path.join(dir, 'temporal.log') }));
}

/** The environment's settings (e.g. HOLDOUT_DAYS, TRAIN_MAX_EPOCHS), on the bench's own bucket and servers. */
export function benchConfig(temporal: TemporalDevServer, bucketDir: string, overrides: Record<string, string> = {}): Config {
  const servers = {
    TEMPORAL_ADDRESS: temporal.address,
    STORAGE_URL: `file://${bucketDir}`,
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    API_TOKENS: `benchmark:admin:${BENCH_API_TOKEN}`,
    API_TOKENS_FILE: '',
  };
  return loadConfig({ ...process.env, ...servers, ...overrides });
}

/** One monthly run through Temporal on workers started for it (and stopped after), every stage redone. */
export async function runPipeline(config: Config, month: string, workflowId: string): Promise<{ run: PipelineProgress; seconds: number }> {
  const { workers, done } = await startWorkers(['pipeline', 'training'], config);
  const client = await connectClient({ address: config.TEMPORAL_ADDRESS!, namespace: config.TEMPORAL_NAMESPACE });
  try {
    const started = performance.now();
    const run = await client.workflow.execute(monthlyPipeline, {
      taskQueue: config.PIPELINE_TASK_QUEUE,
      workflowId,
      args: [{ month, settings: pipelineSettings(config, 'bench'), force: true }],
    });
    return { run, seconds: (performance.now() - started) / 1000 };
  } finally {
    workers.forEach((worker) => worker.shutdown());
    await done;
    await client.connection.close();
  }
}
