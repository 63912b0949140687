// Running the monthly pipeline in tests: small, fast settings and a way to start or await a month.
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { loadConfig } from '../../core/config';
import { pipelineSettings, type IngestSettings, type PipelineSettings } from '../../core/pipeline/settings';
import { ingestMonth, type IngestSummary } from '../../workflows/ingest-month';
import { monthlyPipeline, type MonthlyPipelineInput, type PipelineProgress } from '../../workflows/monthly-pipeline';
import { pipelineWorkflowId } from '../../workflows/ids';
import type { TestStack } from './stack';

/** Settings for small generated months: few epochs and small batches; the blessing rules are the defaults. */
export function testSettings(stack: TestStack, overrides: Partial<PipelineSettings> = {}): PipelineSettings {
  const base = pipelineSettings(loadConfig({ TRAIN_MAX_EPOCHS: '3', TRAIN_BATCH_SIZE: '512' }), 'test');
  return { ...base, trainingTaskQueue: stack.queues.training, ...overrides };
}

/** extra: the rest of the workflow's input, e.g. the API's URL for the report link. */
export function startMonth(stack: TestStack, month: string, settings: PipelineSettings, force = false, extra: Pick<MonthlyPipelineInput, 'apiUrl'> = {}) {
  return stack.client.workflow.start(monthlyPipeline, {
    taskQueue: stack.queues.pipeline,
    workflowId: `${pipelineWorkflowId(month)}-${stack.queues.pipeline}`,
    args: [{ month, settings, force, ...extra }],
  });
}

export async function runMonth(
  stack: TestStack,
  month: string,
  settings: PipelineSettings,
  force = false,
  extra: Pick<MonthlyPipelineInput, 'apiUrl'> = {},
): Promise<PipelineProgress> {
  return (await startMonth(stack, month, settings, force, extra)).result();
}

/** The failure message chain of a run that failed (the activity's own message is the cause). */
export async function failureOf(stack: TestStack, month: string, settings: PipelineSettings): Promise<string> {
  try {
    await runMonth(stack, month, settings);
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const messages: string[] = [];
    for (let e: Error | undefined = error; e; e = (e as { cause?: Error }).cause) messages.push(e.message);
    return messages.join(' <- ');
  }
  throw new Error(`The run of ${month} was expected to fail but succeeded`);
}

/** Runs only the ingest stage (the pipeline's ingest child workflow) for a month, through Temporal. */
export function runIngest(stack: TestStack, month: string, ingest: IngestSettings): Promise<IngestSummary> {
  return stack.client.workflow.execute(ingestMonth, {
    taskQueue: stack.queues.pipeline,
    workflowId: `ingest-${month}-${stack.queues.pipeline}-${Date.now()}`,
    args: [{ month, ingest }],
  });
}

/** Fresh histories land in .data/recorded-histories; copy one to test/fixtures/histories to guard replay.
 *  The workflow id goes with it: replay needs it to derive the same child workflow ids. */
export async function recordHistory(name: string, workflowId: string, history: Parameters<typeof historyToJSON>[0]): Promise<void> {
  const target = path.join(import.meta.dirname, '..', '..', '.data', 'recorded-histories');
  await fs.mkdir(target, { recursive: true });
  await fs.writeFile(path.join(target, `${name}.json`), JSON.stringify({ workflowId, ...(JSON.parse(historyToJSON(history)) as object) }, null, 2));
}
