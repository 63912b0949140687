import { createRoute, z } from '@hono/zod-openapi';
import { championAliasSchema, historyEntrySchema, versionRecordSchema } from '../../../core/registry/types';
import { access, accessErrors } from '../../auth/route-access';
import { errorResponse } from '../../lib/errors';

const tags = ['Models'];

const versionParams = z.object({
  version: z
    .string()
    .regex(/^v?\d+$/, 'must be a version number such as 3 or v3')
    .transform((text) => Number(text.replace(/^v/, '')))
    .openapi({ param: { name: 'version', in: 'path' }, example: '3' }),
});

const championSchema = championAliasSchema.extend({ generation: z.string() });

const signatureSchema = z
  .object({
    inputs: z.array(
      z.object({
        name: z.string(),
        role: z.string(),
        type: z.string(),
        required: z.boolean(),
        description: z.string(),
        min: z.number().optional(),
        max: z.number().optional(),
        values: z.array(z.string()).optional(),
        vocabularySize: z.number().optional(),
        hashBuckets: z.number().optional(),
      }),
    ),
    output: z.object({ name: z.string(), type: z.string(), range: z.array(z.number()), description: z.string() }),
    example: z.record(z.string(), z.union([z.string(), z.number()])),
  })
  .openapi({ description: 'What a predict instance takes (each column: type, range or learned values, required) and one example instance' });

export const promoteSchema = z.object(
  {
    reason: z.string({ error: 'required: why this version should serve' }).trim().min(1, 'must not be empty'),
    force: z.boolean().optional().openapi({ description: 'Allow promoting a rejected version: a deliberate rollback' }),
    expectedCurrent: z
      .number()
      .int()
      .positive()
      .nullable()
      .optional()
      .openapi({ description: 'The champion the caller decided against (null: none); defaults to the champion when the request arrives' }),
  },
  { error: 'the body must be a JSON object with a reason' },
);

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const list = createRoute({
  path: '/v1/models',
  method: 'get',
  tags,
  ...access('predict'),
  responses: { 200: json(z.object({ versions: z.array(versionRecordSchema) }), 'Every registered version with its status, newest first'), ...accessErrors },
});

export const champion = createRoute({
  path: '/v1/models/champion',
  method: 'get',
  tags,
  ...access('predict'),
  responses: {
    200: json(
      z.object({ champion: championSchema, model: versionRecordSchema.nullable(), signature: signatureSchema.nullable() }),
      'The champion alias (who promoted it, when, why), its version record and its input signature',
    ),
    ...accessErrors,
    404: errorResponse('No champion has been promoted yet'),
  },
});

export const history = createRoute({
  path: '/v1/models/history',
  method: 'get',
  tags,
  ...access('predict'),
  request: {
    query: z.object({
      at: z.iso
        .datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-10-14T09:30:00Z' })
        .optional()
        .openapi({ description: 'Answer only which version was champion at this time' }),
    }),
  },
  responses: {
    200: json(
      z.union([z.object({ entries: z.array(historyEntrySchema) }), z.object({ at: z.string(), champion: z.number().int().nullable() })]),
      'The audit log, oldest first; with ?at=, the version that was champion then (null: none yet)',
    ),
    400: errorResponse('at is not an ISO 8601 time'),
    ...accessErrors,
  },
});

export const getOne = createRoute({
  path: '/v1/models/{version}',
  method: 'get',
  tags,
  ...access('predict'),
  request: { params: versionParams },
  responses: {
    200: json(
      z.intersection(versionRecordSchema, z.object({ signature: signatureSchema.nullable() })),
      'The version: status, metrics, lineage, files, input signature',
    ),
    400: errorResponse('Not a version number'),
    ...accessErrors,
    404: errorResponse('No such version'),
  },
});

export const promote = createRoute({
  path: '/v1/models/{version}/promote',
  method: 'post',
  tags,
  ...access('admin'),
  request: {
    params: versionParams,
    body: { content: { 'application/json': { schema: promoteSchema } }, required: true },
  },
  responses: {
    200: json(
      z.object({ champion: championSchema, changed: z.boolean() }),
      'The version is the champion now (changed: false when it already was and no expectedCurrent was given); serving processes follow on their next poll',
    ),
    400: errorResponse('Not JSON, no reason, or not a version number'),
    ...accessErrors,
    404: errorResponse('No such version'),
    409: errorResponse('The champion is not the expectedCurrent (another promotion won, possibly of this same version); the error names the champion'),
    413: errorResponse('The body is larger than 1 MB'),
    415: errorResponse('The body is not sent as application/json'),
    422: errorResponse('The registry refuses the change, e.g. a rejected version without force'),
  },
});

export type ListRoute = typeof list;
export type ChampionRoute = typeof champion;
export type HistoryRoute = typeof history;
export type GetOneRoute = typeof getOne;
export type PromoteRoute = typeof promote;
