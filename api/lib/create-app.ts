// Routers and the base app: bodies over 1 MB 413, requests without an accepted bearer token 401 (but for
// the public paths), zod failures 400 { error }, anything thrown is turned into the same error shape
// (HTTP errors keep their status; the rest are logged 500s).
import { ServiceError } from '@temporalio/client';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { log } from '../../core/log';
import { authenticate } from '../auth/authenticate';
import type { ApiMetrics } from './api-metrics';
import { describeZodError } from './errors';
import { limitBodySize } from './request-body';
import type { AppBindings, AppDeps, AppOpenAPI } from './types';

export function createRouter(): AppOpenAPI {
  return new OpenAPIHono<AppBindings>({
    strict: false,
    defaultHook: (result, c) => {
      if (!result.success) return c.json({ error: describeZodError(result.error), details: result.error.issues }, 400);
    },
  });
}

export function createBaseApp(deps: AppDeps, metrics: ApiMetrics): AppOpenAPI {
  const app = createRouter();
  app.use(metrics.middleware);
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('metrics', metrics);
    await next();
  });
  app.use(limitBodySize);
  app.use(authenticate);
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const message = error.status === 415 ? 'request body must be JSON (Content-Type: application/json)' : error.message;
      return c.json({ error: message }, error.status);
    }
    log.error('api request failed', { method: c.req.method, path: c.req.path, error: error.message, stack: error.stack });
    // Temporal's client raises ServiceError when the cluster cannot be reached or refuses the call.
    if (error instanceof ServiceError) return c.json({ error: `Temporal is unavailable: ${error.message}; predictions are not affected` }, 503);
    return c.json({ error: 'internal error; the API log has the details' }, 500);
  });
  return app;
}
