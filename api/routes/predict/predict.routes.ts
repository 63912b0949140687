import { createRoute, z } from '@hono/zod-openapi';
import { access, accessErrors } from '../../auth/route-access';
import { errorResponse } from '../../lib/errors';

export const MAX_INSTANCES = 1000;

const instanceSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.null()], { error: 'must be a string, a number or null' }), {
    error: 'must be an object of column name to value',
  })
  .openapi({
    description: 'One impression as a CSV row would carry it (the label may be left out); the image column holds the bucket key of the ad image',
    example: {
      timestamp: '2026-10-14T09:30:00Z',
      ad_id: 'ad-00017',
      advertiser: 'northwind',
      ad_category: 'travel',
      placement: 'feed',
      device: 'mobile',
      region: 'de-by',
      user_interest: 'travel',
      hour_of_day: 9,
      user_age: 34,
      user_sessions_30d: 12,
      user_past_clicks_30d: null,
      headline: 'Cheap flights to Lisbon',
      image_path: 'raw/2026-10/images/ad-00017.png',
    },
  });

export const predictRequestSchema = z.object(
  {
    instances: z
      .array(instanceSchema, {
        error: (issue) => (issue.input === undefined ? `required: an array of 1 to ${MAX_INSTANCES} instances` : 'must be an array of instances'),
      })
      .min(1, 'must not be empty')
      .max(MAX_INSTANCES, `at most ${MAX_INSTANCES} instances per request`),
  },
  { error: 'the body must be a JSON object with an instances array' },
);

export const predictResponseSchema = z
  .object({
    modelVersion: z.number().int().openapi({ description: 'The registry version that produced every prediction in this response' }),
    predictions: z.array(
      z.object({
        clickProbability: z.number().openapi({ example: 0.031 }),
        warnings: z
          .array(z.string())
          .optional()
          .openapi({ example: ['image raw/2026-10/images/ad-00017.png was not found; predicted without the image'] }),
      }),
    ),
  })
  .openapi('Predictions');

export const predict = createRoute({
  path: '/v1/predict',
  method: 'post',
  tags: ['Predictions'],
  ...access('predict'),
  request: { body: { content: { 'application/json': { schema: predictRequestSchema } }, required: true } },
  responses: {
    200: { content: { 'application/json': { schema: predictResponseSchema } }, description: 'One click probability per instance, in order' },
    400: errorResponse('The body is not JSON, or instances is missing, empty, too long, or holds an invalid instance (named by index)'),
    ...accessErrors,
    413: errorResponse('The body is larger than 1 MB'),
    415: errorResponse('The body is not sent as application/json'),
    503: errorResponse('No champion model has been promoted yet'),
  },
});

export type PredictRoute = typeof predict;
