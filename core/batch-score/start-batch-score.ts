// Starting a batch-scoring job, for the API and the CLI alike: the folder normalised, the version
// resolved once (the champion unless one is named), the request checked, then one workflow per
// (folder, version), so a second start of a running job is refused.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { isCsvKey } from '../pipeline/layout';
import type { ModelRegistry } from '../registry/model-registry';
import type { BlobStore } from '../storage/blob-store';
import type { batchScore, BatchScoreSettings } from '../../workflows/batch-score';
import { batchScoreWorkflowId, scoringPrefix } from './layout';

export interface BatchScoreRequest {
  month?: string;
  prefix?: string;
  version?: number;
}

export interface BatchScoreStarted {
  workflowId: string;
  runId: string;
  prefix: string;
  version: number;
  /** 'champion' when no version was named and the current champion was taken. */
  versionFrom: 'request' | 'champion';
}

/** Why a job cannot start, with the HTTP status that says so. */
export class BatchScoreRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 422,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BatchScoreRefused';
  }
}

export interface BatchScoreDeps {
  temporal: Client;
  registry: ModelRegistry;
  store: BlobStore;
  config: Pick<Config, 'PIPELINE_TASK_QUEUE' | 'INGEST_SPLIT_BYTES' | 'INGEST_ROWS_PER_PART' | 'INGEST_MAX_RECORD_BYTES' | 'BATCH_SCORE_ROWS'>;
}

/** Big files are cut as ingest cuts them (the same INGEST_* settings); BATCH_SCORE_ROWS rows per forward pass. */
export const batchScoreSettings = (config: BatchScoreDeps['config']): BatchScoreSettings => ({
  splitBytes: config.INGEST_SPLIT_BYTES,
  rowsPerPart: config.INGEST_ROWS_PER_PART,
  maxRecordBytes: config.INGEST_MAX_RECORD_BYTES,
  batchRows: config.BATCH_SCORE_ROWS,
});

export async function startBatchScore(deps: BatchScoreDeps, request: BatchScoreRequest): Promise<BatchScoreStarted> {
  if ((request.month === undefined) === (request.prefix === undefined)) throw new BatchScoreRefused('name either a month or a prefix to score, not both', 400);
  let prefix: string;
  try {
    prefix = scoringPrefix(request);
  } catch (error) {
    throw new BatchScoreRefused((error as Error).message, 400);
  }
  const version = await resolveVersion(deps.registry, request.version);
  if (!(await hasCsv(deps.store, prefix))) throw new BatchScoreRefused(`no CSV files under ${prefix}`, 404);
  const workflowId = batchScoreWorkflowId(prefix, version);
  try {
    const handle = await deps.temporal.workflow.start<typeof batchScore>('batchScore', {
      taskQueue: deps.config.PIPELINE_TASK_QUEUE,
      workflowId,
      args: [{ prefix, version, settings: batchScoreSettings(deps.config) }],
    });
    return { workflowId, runId: handle.firstExecutionRunId, prefix, version, versionFrom: request.version === undefined ? 'champion' : 'request' };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError)
      throw new BatchScoreRefused(`scoring ${prefix} with v${version} is already running (workflow ${workflowId})`, 409, { workflowId });
    throw error;
  }
}

async function resolveVersion(registry: ModelRegistry, requested: number | undefined): Promise<number> {
  if (requested !== undefined) {
    if (!(await registry.get(requested))) throw new BatchScoreRefused(`model version v${requested} is not in the registry`, 404);
    return requested;
  }
  const champion = await registry.champion();
  if (!champion) throw new BatchScoreRefused('there is no champion to score with yet: name a version', 422);
  return champion.version;
}

async function hasCsv(store: BlobStore, prefix: string): Promise<boolean> {
  for await (const blob of store.list(prefix)) if (isCsvKey(blob.key)) return true;
  return false;
}
