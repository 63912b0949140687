import { createRoute, z } from '@hono/zod-openapi';

const count = z.number().int();

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'no-champion']),
    tensorflowBackend: z.string().nullable().openapi({ example: 'tensorflow-cpu' }),
    champion: z.number().int().nullable().openapi({ description: 'Model version this process serves' }),
    loadedAt: z.string().nullable().openapi({ description: 'When this process loaded it' }),
    predictionLog: z.object({ logged: count, dropped: count, failed: count, shards: count, buffered: count }).optional().openapi({
      description: 'Predictions logged to the bucket, dropped because the buffer was full, lost to failed writes, and waiting',
    }),
    lastError: z.object({ message: z.string(), at: z.string() }).optional().openapi({ description: 'The latest failed attempt to load a new champion' }),
  })
  .openapi('Health');

export const health = createRoute({
  path: '/health',
  method: 'get',
  tags: ['Health'],
  responses: {
    200: { content: { 'application/json': { schema: healthSchema } }, description: 'Liveness, the TensorFlow backend, and the model being served' },
  },
});

export type HealthRoute = typeof health;
