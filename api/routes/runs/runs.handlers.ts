import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { pipelineSettings } from '../../../core/pipeline/settings';
import { codeVersion } from '../../../core/code-version';
import { PipelineStage } from '../../../core/temporal/search-attributes';
import { pipelineWorkflowId } from '../../../workflows/ids';
import { progressQuery, type monthlyPipeline, type PipelineProgress } from '../../../workflows/monthly-pipeline';
import type { AppRouteHandler } from '../../lib/types';
import { causeChain, describeLatest, QUERY_DEADLINE_MS } from '../../lib/workflow-status';
import { monthArtifacts } from '../../../core/pipeline/layout';
import { BlobNotFoundError } from '../../../core/storage/blob-store';
import type { CancelRoute, GetOneRoute, ReportRoute, StartRoute } from './runs.routes';

export const start: AppRouteHandler<StartRoute> = async (c) => {
  const { month, force } = c.req.valid('json');
  const { temporal, config } = c.var.deps;
  const workflowId = pipelineWorkflowId(month);
  try {
    const handle = await temporal.workflow.start<typeof monthlyPipeline>('monthlyPipeline', {
      taskQueue: config.PIPELINE_TASK_QUEUE,
      workflowId,
      args: [{ month, settings: pipelineSettings(config, codeVersion(config)), force, apiUrl: new URL(c.req.url).origin }],
    });
    return c.json({ month, workflowId, runId: handle.firstExecutionRunId }, 202);
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError)
      return c.json({ error: `the run for ${month} is already running (workflow ${workflowId})`, details: { workflowId } }, 409);
    throw error;
  }
};

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { month } = c.req.valid('param');
  const found = await describeLatest(c.var.deps.temporal.workflow.getHandle<typeof monthlyPipeline>(pipelineWorkflowId(month)));
  if (!found) return c.json({ error: `no run for ${month} was ever started` }, 404);
  const { handle, description } = found;
  const status = description.status.name;
  const base = {
    month,
    workflowId: description.workflowId,
    runId: description.runId,
    status,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
    stage: description.typedSearchAttributes.get(PipelineStage) ?? null,
  };
  if (status === 'RUNNING') {
    // A query needs a worker to answer; without one, report the status alone rather than hang.
    const progress = await c.var.deps.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(progressQuery)).catch(() => null);
    return c.json({ ...base, progress }, 200);
  }
  try {
    // A closed run's result (or failure) is in its history: no worker needed.
    const progress: PipelineProgress = await handle.result();
    return c.json({ ...base, progress }, 200);
  } catch (error) {
    const causes = causeChain(error);
    return c.json({ ...base, progress: null, failure: { message: causes[0] ?? status, causes } }, 200);
  }
};

export const cancel: AppRouteHandler<CancelRoute> = async (c) => {
  const { month } = c.req.valid('param');
  const found = await describeLatest(c.var.deps.temporal.workflow.getHandle(pipelineWorkflowId(month)));
  if (!found) return c.json({ error: `no run for ${month} was ever started` }, 404);
  const { description } = found;
  if (description.status.name !== 'RUNNING') return c.json({ error: `the latest run for ${month} is not running (it is ${description.status.name})` }, 409);
  await c.var.deps.temporal.workflow.getHandle(description.workflowId, description.runId).cancel();
  return c.json({ month, workflowId: description.workflowId, runId: description.runId, status: 'cancel-requested' as const }, 202);
};

/** The page may only style itself: no script, no request anywhere, even if something slipped into it. */
const REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const report: AppRouteHandler<ReportRoute> = async (c) => {
  const { month } = c.req.valid('param');
  const key = monthArtifacts(month).report;
  try {
    const page = await c.var.deps.store.get(key);
    return c.body(page.toString('utf8'), 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': REPORT_POLICY,
      'X-Content-Type-Options': 'nosniff',
    });
  } catch (error) {
    if (error instanceof BlobNotFoundError)
      return c.json({ error: `no run report for ${month}: its run has not finished promote, or ran before reports existed (${key})` }, 404);
    throw error;
  }
};
