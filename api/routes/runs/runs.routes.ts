import { createRoute, z } from '@hono/zod-openapi';
import { access, accessErrors } from '../../auth/route-access';
import { errorResponse } from '../../lib/errors';
import { MONTH_PATTERN } from '../../../core/features/month';

const monthSchema = z.string().regex(MONTH_PATTERN, 'must be a month as YYYY-MM').openapi({ example: '2026-10' });

export const startRunSchema = z.object(
  {
    month: monthSchema,
    force: z.boolean().optional().openapi({ description: 'Redo every stage even if an earlier run of this month finished it' }),
  },
  { error: 'the body must be a JSON object with a month' },
);

const monthParams = z.object({ month: monthSchema.openapi({ param: { name: 'month', in: 'path' } }) });

const startedSchema = z.object({ month: z.string(), workflowId: z.string(), runId: z.string() }).openapi('RunStarted');

export const progressSchema = z
  .object({
    month: z.string(),
    stage: z.string(),
    completed: z.array(z.string()),
    reused: z.array(z.string()),
    summary: z.record(z.string(), z.unknown()),
  })
  .openapi('RunProgress');

export const runStatusSchema = z
  .object({
    month: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    status: z.string().openapi({
      example: 'RUNNING',
      description: 'Temporal execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT…',
    }),
    startTime: z.string(),
    closeTime: z.string().nullable(),
    stage: z.string().nullable().openapi({ description: 'The stage the run reached (its PipelineStage search attribute)' }),
    progress: progressSchema
      .nullable()
      .openapi({ description: 'The progress query (running) or the result (completed); null otherwise or when no worker answered' }),
    failure: z
      .object({ message: z.string(), causes: z.array(z.string()) })
      .optional()
      .openapi({ description: 'Why a run that did not complete stopped: the innermost cause first' }),
  })
  .openapi('RunStatus');

export const start = createRoute({
  path: '/v1/runs',
  method: 'post',
  tags: ['Runs'],
  ...access('operator'),
  request: { body: { content: { 'application/json': { schema: startRunSchema } }, required: true } },
  responses: {
    202: { content: { 'application/json': { schema: startedSchema } }, description: 'The monthly pipeline started for that month' },
    400: errorResponse('Not JSON, or not a month'),
    ...accessErrors,
    409: errorResponse("That month's run is already running"),
    413: errorResponse('The body is larger than 1 MB'),
    415: errorResponse('The body is not sent as application/json'),
  },
});

export const getOne = createRoute({
  path: '/v1/runs/{month}',
  method: 'get',
  tags: ['Runs'],
  ...access('predict'),
  request: { params: monthParams },
  responses: {
    200: { content: { 'application/json': { schema: runStatusSchema } }, description: "The latest run of that month's pipeline" },
    400: errorResponse('Not a month'),
    ...accessErrors,
    404: errorResponse('No run of that month was ever started'),
  },
});

export const cancel = createRoute({
  path: '/v1/runs/{month}/cancel',
  method: 'post',
  tags: ['Runs'],
  ...access('operator'),
  request: { params: monthParams },
  responses: {
    202: {
      content: { 'application/json': { schema: startedSchema.extend({ status: z.literal('cancel-requested') }) } },
      description: 'Cancellation requested; the run stops at its next checkpoint',
    },
    400: errorResponse('Not a month'),
    ...accessErrors,
    404: errorResponse('No run of that month was ever started'),
    409: errorResponse("That month's latest run is not running"),
  },
});

export const report = createRoute({
  path: '/v1/runs/{month}/report',
  method: 'get',
  tags: ['Runs'],
  // Operator: the report quotes rows of the client's data (quarantine examples).
  ...access('operator'),
  request: { params: monthParams },
  responses: {
    200: {
      content: { 'text/html': { schema: z.string() } },
      description: "The month's run report: one self-contained HTML page (inline SVG and CSS, no script, no external request)",
    },
    400: errorResponse('Not a month'),
    ...accessErrors,
    404: errorResponse('No report for that month: its run has not finished promote, or ran before reports existed'),
  },
});

export type StartRoute = typeof start;
export type ReportRoute = typeof report;
export type GetOneRoute = typeof getOne;
export type CancelRoute = typeof cancel;
