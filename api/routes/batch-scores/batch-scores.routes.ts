import { createRoute, z } from '@hono/zod-openapi';
import { access, accessErrors } from '../../auth/route-access';
import { errorResponse } from '../../lib/errors';
import { MONTH_PATTERN } from '../../../core/features/month';
import { BATCH_SCORE_ID_PATTERN } from '../../../core/batch-score/layout';

export const startBatchScoreSchema = z.object(
  {
    month: z.string().regex(MONTH_PATTERN, 'must be a month as YYYY-MM').optional().openapi({ example: '2026-10', description: 'Score raw/<month>/' }),
    prefix: z.string().optional().openapi({ example: 'incoming/2026-11-02/', description: 'Score every CSV under this bucket folder instead' }),
    version: z.number().int().positive().optional().openapi({ example: 3, description: 'The registered model version; default: the champion at the start' }),
  },
  { error: 'the body must be a JSON object with a month or a prefix' },
);

const idParams = z.object({
  id: z
    .string()
    .regex(BATCH_SCORE_ID_PATTERN, 'must be a batch-score workflow id (batch-score-v<version>-<folder>)')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'batch-score-v3-raw~2026-10' }),
});

const startedSchema = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    prefix: z.string(),
    version: z.number(),
    versionFrom: z.enum(['request', 'champion']).openapi({ description: 'champion: no version was named, so the champion at the start was taken' }),
  })
  .openapi('BatchScoreStarted');

const countsSchema = z.record(z.string(), z.number());

export const batchScoreSummarySchema = z
  .object({
    prefix: z.string(),
    version: z.number(),
    output: z.string().openapi({ description: 'Where the predictions are: scores/<prefix>v<version>/' }),
    files: z.number(),
    parts: z.number(),
    partsReused: z.number().openapi({ description: 'Parts an earlier run or attempt had written whole, not scored again' }),
    rows: z.number(),
    scored: z.number(),
    quarantined: z.number(),
    quarantineReasons: countsSchema,
    warnings: countsSchema.openapi({ description: 'Rows scored with a warning, by kind (e.g. scored without their image)' }),
    summaryKey: z.string(),
  })
  .openapi('BatchScoreSummary');

const progressSchema = z
  .object({
    prefix: z.string(),
    version: z.number(),
    stage: z.enum(['planning', 'splitting', 'scoring', 'done']),
    files: z.number(),
    parts: z.object({ total: z.number(), done: z.number(), reused: z.number() }),
    rows: z.object({ scored: z.number(), quarantined: z.number() }),
    summary: batchScoreSummarySchema.nullable(),
  })
  .openapi('BatchScoreProgress');

export const batchScoreStatusSchema = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    status: z.string().openapi({ example: 'RUNNING', description: 'Temporal execution status of the latest run' }),
    startTime: z.string(),
    closeTime: z.string().nullable(),
    progress: progressSchema.nullable().openapi({ description: 'While running: the progress query (null when no worker answered)' }),
    summary: batchScoreSummarySchema.nullable().openapi({ description: 'When completed: counts and where the outputs are' }),
    failure: z.object({ message: z.string(), causes: z.array(z.string()) }).optional(),
  })
  .openapi('BatchScoreStatus');

export const start = createRoute({
  path: '/v1/batch-scores',
  method: 'post',
  tags: ['Batch scores'],
  ...access('operator'),
  request: { body: { content: { 'application/json': { schema: startBatchScoreSchema } }, required: true } },
  responses: {
    202: {
      content: { 'application/json': { schema: startedSchema } },
      description: 'Scoring started (a finished job started again reuses every part still whole)',
    },
    400: errorResponse('Not JSON, neither or both of month and prefix, or a prefix that cannot be a folder'),
    ...accessErrors,
    404: errorResponse('The version is not in the registry, or the folder holds no CSV'),
    409: errorResponse('The same folder is already being scored with the same version'),
    413: errorResponse('The body is larger than 1 MB'),
    415: errorResponse('The body is not sent as application/json'),
    422: errorResponse('No version named and no champion yet'),
  },
});

export const getOne = createRoute({
  path: '/v1/batch-scores/{id}',
  method: 'get',
  tags: ['Batch scores'],
  ...access('predict'),
  request: { params: idParams },
  responses: {
    200: { content: { 'application/json': { schema: batchScoreStatusSchema } }, description: 'The latest run of that job' },
    400: errorResponse('Not a batch-score id'),
    ...accessErrors,
    404: errorResponse('No such job was ever started'),
  },
});

export type StartRoute = typeof start;
export type GetOneRoute = typeof getOne;
