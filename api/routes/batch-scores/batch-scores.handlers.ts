import type { BatchScoreSummary } from '../../../activities/batch-score';
import { BatchScoreRefused, startBatchScore } from '../../../core/batch-score/start-batch-score';
import { batchScoreProgressQuery, type batchScore } from '../../../workflows/batch-score';
import type { AppRouteHandler } from '../../lib/types';
import { causeChain, describeLatest, QUERY_DEADLINE_MS } from '../../lib/workflow-status';
import type { GetOneRoute, StartRoute } from './batch-scores.routes';

export const start: AppRouteHandler<StartRoute> = async (c) => {
  try {
    return c.json(await startBatchScore(c.var.deps, c.req.valid('json')), 202);
  } catch (error) {
    if (!(error instanceof BatchScoreRefused)) throw error;
    const body = { error: error.message, ...(error.details ? { details: error.details } : {}) };
    switch (error.status) {
      case 400:
        return c.json(body, 400);
      case 404:
        return c.json(body, 404);
      case 409:
        return c.json(body, 409);
      case 422:
        return c.json(body, 422);
    }
  }
};

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const { temporal } = c.var.deps;
  const found = await describeLatest(temporal.workflow.getHandle<typeof batchScore>(id));
  if (!found) return c.json({ error: `no batch-score job ${id} was ever started` }, 404);
  const { handle, description } = found;
  const status = description.status.name;
  const base = {
    workflowId: description.workflowId,
    runId: description.runId,
    status,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
  };
  if (status === 'RUNNING') {
    // A query needs a worker to answer; without one, report the status alone rather than hang.
    const progress = await temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(batchScoreProgressQuery)).catch(() => null);
    return c.json({ ...base, progress, summary: null }, 200);
  }
  try {
    const summary: BatchScoreSummary = await handle.result();
    return c.json({ ...base, progress: null, summary }, 200);
  } catch (error) {
    const causes = causeChain(error);
    return c.json({ ...base, progress: null, summary: null, failure: { message: causes[0] ?? status, causes } }, 200);
  }
};
