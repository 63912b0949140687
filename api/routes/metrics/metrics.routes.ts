import { createRoute, z } from '@hono/zod-openapi';
import { access, accessErrors } from '../../auth/route-access';

export const metrics = createRoute({
  path: '/metrics',
  method: 'get',
  tags: ['Operations'],
  ...access('predict'),
  responses: {
    200: {
      content: { 'text/plain': { schema: z.string() } },
      description: "Prometheus text format: this API process's requests, latency, predictions by version, champion, prediction log",
    },
    ...accessErrors,
  },
});

export type MetricsRoute = typeof metrics;
