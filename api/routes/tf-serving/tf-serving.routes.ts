// TensorFlow Serving's REST API for the champion, so existing TF Serving clients work unchanged:
// model status, metadata (the signature) and :predict, under the model name `adclick`.
import { createRoute, z } from '@hono/zod-openapi';
import { access, accessErrors } from '../../auth/route-access';
import { errorResponse } from '../../lib/errors';
import { predictRequestSchema } from '../predict/predict.routes';

export const SERVED_MODEL_NAME = 'adclick';
const tags = ['TF Serving compatible'];
const base = `/v1/models/${SERVED_MODEL_NAME}`;
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

const versionStatusSchema = z.object({
  model_version_status: z.array(
    z.object({
      version: z.string(),
      state: z.enum(['AVAILABLE', 'END']),
      status: z.object({ error_code: z.string(), error_message: z.string() }),
    }),
  ),
});

const tensorInfo = z.object({
  dtype: z.string(),
  tensor_shape: z.object({ dim: z.array(z.object({ size: z.string(), name: z.string() })), unknown_rank: z.boolean() }),
  name: z.string(),
});
const metadataSchema = z.object({
  model_spec: z.object({ name: z.string(), signature_name: z.string(), version: z.string() }),
  metadata: z.object({
    signature_def: z.object({
      signature_def: z.record(
        z.string(),
        z.object({ inputs: z.record(z.string(), tensorInfo), outputs: z.record(z.string(), tensorInfo), method_name: z.string() }),
      ),
    }),
  }),
});

export const status = createRoute({
  path: base,
  method: 'get',
  tags,
  ...access('predict'),
  responses: {
    200: json(versionStatusSchema, 'The served version (the champion) and the one it replaced'),
    ...accessErrors,
    404: errorResponse('No champion yet'),
  },
});

export const metadata = createRoute({
  path: `${base}/metadata`,
  method: 'get',
  tags,
  ...access('predict'),
  responses: { 200: json(metadataSchema, "The champion's signature as TF Serving's signature_def"), ...accessErrors, 404: errorResponse('No champion yet') },
});

export const predict = createRoute({
  path: `${base}:predict`,
  method: 'post',
  tags,
  ...access('predict'),
  request: { body: { content: { 'application/json': { schema: predictRequestSchema.extend({ signature_name: z.string().optional() }) } }, required: true } },
  responses: {
    200: json(z.object({ predictions: z.array(z.number()) }), 'One click probability per instance, in order (row format)'),
    400: errorResponse('Invalid instances, named by index'),
    ...accessErrors,
    503: errorResponse('No champion model has been promoted yet'),
  },
});

export type StatusRoute = typeof status;
export type MetadataRoute = typeof metadata;
export type PredictRoute = typeof predict;
