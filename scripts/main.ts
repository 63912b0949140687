// The main job: the whole product on one machine with the same code as production. Starts (or joins)
// Temporal, runs both workers and the API, fills the bucket with generated demo months if it has none,
// creates the monthly Schedule, runs the pipeline month by month, then serves until Ctrl-C.
// `--once` exits after the runs instead.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { startApi } from '../api/lib/start-api';
import { codeVersion } from '../core/code-version';
import { loadConfig, type Config } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { addMonths, monthBefore } from '../core/features/month';
import { log } from '../core/log';
import { rawPrefix } from '../core/pipeline/layout';
import { pipelineSettings } from '../core/pipeline/settings';
import { listAll, type BlobStore } from '../core/storage/blob-store';
import { openStore } from '../core/storage/open-store';
import { connectClient, temporalAddress } from '../core/temporal/connect';
import { ensureMonthlySchedule } from '../core/temporal/monthly-schedule';
import { startTemporalDevServer } from '../devstack/temporal-dev-server';
import { tcpReachable } from '../devstack/processes';
import { startWorkers } from '../workers/run-workers';
import { pipelineWorkflowId } from '../workflows/ids';
import { monthlyPipeline, type PipelineProgress } from '../workflows/monthly-pipeline';

const { values } = parseArgs({ options: { once: { type: 'boolean', default: false } } });
const config = loadConfig();
await fs.mkdir(config.DATA_DIR, { recursive: true });

const temporal = await embeddedTemporal(config);
const { workers, done: workersDone } = await startWorkers(['pipeline', 'training'], config);
const api = await startApi(config);
const client = await connectClient({ address: temporalAddress(config), namespace: config.TEMPORAL_NAMESPACE });
const store = await openStore(config);
const settings = pipelineSettings(config, codeVersion(config));
await ensureMonthlySchedule(client, {
  scheduleId: config.SCHEDULE_ID, cron: config.SCHEDULE_CRON, catchupWindowDays: config.SCHEDULE_CATCHUP_WINDOW_DAYS, taskQueue: config.PIPELINE_TASK_QUEUE, settings,
});

const months = config.DEMO_MONTHS?.split(',') ?? [addMonths(monthBefore(new Date()), -1), monthBefore(new Date())];
for (const month of months) {
  await ensureDemoData(store, month, config.DEMO_IMPRESSIONS);
  report(await runMonth(client, month));
}
await api.predictor.refresh();

const uiUrl = temporal?.uiUrl ?? `(your Temporal UI for ${temporalAddress(config)})`;
console.log(`
adclick is up.
  Temporal UI   ${uiUrl}   (workflows ctr-pipeline-YYYY-MM; schedule ${config.SCHEDULE_ID})
  REST API      ${api.url}   (OpenAPI at ${api.url}/openapi.json)
  bucket        ${store.url}
  try           curl -s ${api.url}/v1/models/history
`);

if (values.once) await shutdown();
else for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown());

async function shutdown(): Promise<void> {
  await api.stop();
  workers.forEach((worker) => worker.shutdown());
  await workersDone;
  await client.connection.close();
  await temporal?.stop();
}

/** The dev server with its SQLite file under DATA_DIR, unless TEMPORAL_ADDRESS names a cluster or one already listens. */
async function embeddedTemporal(config: Config) {
  if (config.TEMPORAL_ADDRESS) return undefined;
  if (await tcpReachable('127.0.0.1', config.TEMPORAL_DEV_PORT)) {
    log.info('joining the Temporal server already listening', { port: config.TEMPORAL_DEV_PORT });
    return undefined;
  }
  return startTemporalDevServer({
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: path.join(config.DATA_DIR, 'temporal.sqlite'),
    logFile: path.join(config.DATA_DIR, 'temporal.log'),
  });
}

async function ensureDemoData(store: BlobStore, month: string, impressions: number): Promise<void> {
  if ((await listAll(store, rawPrefix(month))).length > 0) return;
  log.info('generating a demo month', { month, impressions });
  await generateMonth(store, { month, impressions, dirt: { malformedRows: 0.002, outOfRangeRows: 0.001, missingImages: 0.005, corruptImages: 0.005 } });
}

/** Starts the month's run, or attaches to it if one is already running; a finished month reuses its stages. */
async function runMonth(client: Client, month: string): Promise<PipelineProgress> {
  const workflowId = pipelineWorkflowId(month);
  try {
    const handle = await client.workflow.start(monthlyPipeline, { taskQueue: config.PIPELINE_TASK_QUEUE, workflowId, args: [{ month, settings }] });
    log.info('pipeline started', { workflowId, runId: handle.firstExecutionRunId });
    return await handle.result();
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return client.workflow.getHandle<typeof monthlyPipeline>(workflowId).result();
  }
}

function report(run: PipelineProgress): void {
  const decision = run.summary.promote as { version: number; outcome: string; reasons: string[] } | undefined;
  const evaluation = run.summary.evaluate as { candidate: { auc: number; calibration: number } } | undefined;
  console.log(`month ${run.month}: ${run.stage}; model v${decision?.version} ${decision?.outcome}${decision?.reasons.length ? ` (${decision.reasons.join('; ')})` : ''}; holdout AUC ${evaluation?.candidate.auc.toFixed(4)}, calibration ${evaluation?.candidate.calibration.toFixed(3)}; reused stages: ${run.reused.join(', ') || 'none'}`);
}
