// The main job: the whole product on one machine with the same code as production. Starts (or joins)
// Temporal, runs both workers and the API (with generated tokens unless some are configured), fills the
// bucket with generated demo months if it has none, creates the monthly Schedule, runs the pipeline
// month by month (one line per month), then serves until Ctrl-C. `--once` exits after the runs instead
// (non-zero if a month failed). SIGINT/SIGTERM at any moment stops everything it started, cleanly, and
// exits 0; a restart resumes an interrupted run.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { resolveApiTokens } from '../api/auth/resolve-tokens';
import { startApi } from '../api/lib/start-api';
import { codeVersion } from '../core/code-version';
import { loadConfig, type Config } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { addMonths, monthBefore } from '../core/features/month';
import { log } from '../core/log';
import { rawPrefix } from '../core/pipeline/layout';
import { pipelineSettings } from '../core/pipeline/settings';
import { ModelRegistry } from '../core/registry/model-registry';
import { listAll, type BlobStore } from '../core/storage/blob-store';
import { openStore } from '../core/storage/open-store';
import { connectClient, temporalAddress } from '../core/temporal/connect';
import { ensureMonthlySchedule } from '../core/temporal/monthly-schedule';
import { startTemporalDevServer } from '../devstack/temporal-dev-server';
import { tcpReachable } from '../devstack/processes';
import { startWorkers } from '../workers/run-workers';
import { pipelineWorkflowId } from '../workflows/ids';
import { monthlyPipeline } from '../workflows/monthly-pipeline';
import { describeOutcome, describeReport, failureMessage, type MonthOutcome } from './main/month-outcome';
import { Stopper } from './main/stopper';

const { values } = parseArgs({ options: { once: { type: 'boolean', default: false } } });
const config = loadConfig();
await fs.mkdir(config.DATA_DIR, { recursive: true });
const stopper = new Stopper();
stopper.onSignals(['SIGINT', 'SIGTERM']);

try {
  // Before anything starts: an API on the network without tokens is refused.
  const apiTokens = await resolveApiTokens(config);
  const temporal = await embeddedTemporal(config);
  if (temporal) stopper.track('embedded Temporal', temporal, (t) => t.stop());
  stopper.track('pipeline and training workers', await startWorkers(['pipeline', 'training'], config), async (started) => {
    // The SDK's own signal handler may have begun draining them already.
    for (const worker of started.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await started.done;
  });
  const api = stopper.track('REST API', await startApi(config, apiTokens), (running) => running.stop());
  if (api.generatedTokensFile) console.log(`API tokens (predict, operator, admin; no API_TOKENS configured): ${api.generatedTokensFile}`);
  // Calls in flight are aborted before the connection closes: a long poll the server's stop interrupts
  // would otherwise be retried on the closed channel and crash the process.
  const calls = new AbortController();
  const client = stopper.track('Temporal client', await connectClient({ address: temporalAddress(config), namespace: config.TEMPORAL_NAMESPACE }), (c) => {
    calls.abort();
    return c.connection.close();
  });
  const store = await openStore(config);
  const settings = pipelineSettings(config, codeVersion(config));
  await ensureMonthlySchedule(client, {
    scheduleId: config.SCHEDULE_ID,
    cron: config.SCHEDULE_CRON,
    catchupWindowDays: config.SCHEDULE_CATCHUP_WINDOW_DAYS,
    taskQueue: config.PIPELINE_TASK_QUEUE,
    settings,
  });

  let failed = 0;
  const months = config.DEMO_MONTHS?.split(',') ?? [addMonths(monthBefore(new Date()), -1), monthBefore(new Date())];
  for (const month of months) {
    await ensureDemoData(store, month, config.DEMO_IMPRESSIONS);
    const outcome = await client.withAbortSignal(calls.signal, () => runMonth(client, month, settings, api.url));
    if ('failure' in outcome) failed += 1;
    console.log(describeOutcome(outcome, (await new ModelRegistry(store).champion())?.version));
    const report = describeReport(outcome, api.url);
    if (report) console.log(report);
  }
  await api.predictor.refresh();

  const uiUrl = temporal?.uiUrl ?? `(your Temporal UI for ${temporalAddress(config)})`;
  console.log(`
adclick is up.
  Temporal UI   ${uiUrl}   (workflows ctr-pipeline-YYYY-MM; schedule ${config.SCHEDULE_ID})
  REST API      ${api.url}   (OpenAPI at ${api.url}/openapi.json)
  bucket        ${store.url}
  try           curl -s ${api.url}/v1/models/history -H "Authorization: Bearer ${tokenHint(api.generatedTokensFile)}"
  stop          Ctrl-C
`);
  if (values.once) {
    await stopper.stop('--once');
    process.exit(failed > 0 ? 1 : 0);
  }
} catch (error) {
  // A signal closed what the runs were waiting on: the stopper reports and exits.
  if (stopper.stopped) await new Promise(() => undefined);
  log.error('the main job could not start', { error: failureMessage(error) });
  await stopper.stop('start-up failed');
  process.exit(1);
}

/** What to put after "Bearer" in the example: the generated predict token, or a placeholder for a configured one. */
function tokenHint(generatedFile: string | undefined): string {
  return generatedFile ? `$(jq -r .predict '${generatedFile}')` : '<a token from API_TOKENS or API_TOKENS_FILE>';
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

/** Starts the month's run, or resumes following the one an earlier, interrupted main job left running. */
async function runMonth(client: Client, month: string, settings: ReturnType<typeof pipelineSettings>, apiUrl: string): Promise<MonthOutcome> {
  const workflowId = pipelineWorkflowId(month);
  try {
    let handle;
    try {
      handle = await client.workflow.start(monthlyPipeline, { taskQueue: config.PIPELINE_TASK_QUEUE, workflowId, args: [{ month, settings, apiUrl }] });
      log.info('pipeline started', { workflowId, runId: handle.firstExecutionRunId });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      handle = client.workflow.getHandle<typeof monthlyPipeline>(workflowId);
      const started = (await handle.describe()).startTime;
      console.log(`month ${month}: resuming the run started ${started.toISOString()} (an earlier main job was stopped during it)`);
    }
    return { month, run: await handle.result() };
  } catch (error) {
    if (stopper.stopped || !(error instanceof WorkflowFailedError)) throw error;
    return { month, failure: failureMessage(error) };
  }
}
