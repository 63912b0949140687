// Composes the API: every resource's router on one app with its dependencies, plus /openapi.json.
// TF Serving's /v1/models/adclick routes come before /v1/models/{version}, which would claim them.
import { createBaseApp } from './lib/create-app';
import { configureOpenApi } from './lib/open-api';
import type { AppDeps } from './lib/types';
import batchScores from './routes/batch-scores/batch-scores.index';
import health from './routes/health/health.index';
import metrics from './routes/metrics/metrics.index';
import models from './routes/models/models.index';
import predict from './routes/predict/predict.index';
import runs from './routes/runs/runs.index';
import tfServing from './routes/tf-serving/tf-serving.index';

const routes = [health, metrics, predict, runs, batchScores, tfServing, models] as const;

export function createApp(deps: AppDeps) {
  const app = createBaseApp(deps);
  configureOpenApi(app);
  for (const route of routes) app.route('/', route);
  return app;
}

export type AppType = (typeof routes)[number];
