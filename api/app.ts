// Composes the API: every resource's router on one app with its dependencies, plus /openapi.json, and
// predict's fast path for requests served over Node's HTTP. TF Serving's /v1/models/adclick routes come
// before /v1/models/{version}, which would claim them.
import { ApiMetrics } from './lib/api-metrics';
import { createBaseApp } from './lib/create-app';
import { setNodeFastPath } from './lib/node-fast-path';
import { configureOpenApi } from './lib/open-api';
import type { AppDeps } from './lib/types';
import batchScores from './routes/batch-scores/batch-scores.index';
import health from './routes/health/health.index';
import metrics from './routes/metrics/metrics.index';
import models from './routes/models/models.index';
import { predictFastPath } from './routes/predict/predict.fast-path';
import predict from './routes/predict/predict.index';
import runs from './routes/runs/runs.index';
import tfServing from './routes/tf-serving/tf-serving.index';

const routes = [health, metrics, predict, runs, batchScores, tfServing, models] as const;

export function createApp(deps: AppDeps) {
  const metrics = new ApiMetrics(deps.predictor);
  const app = createBaseApp(deps, metrics);
  configureOpenApi(app);
  for (const route of routes) app.route('/', route);
  setNodeFastPath(app, predictFastPath(deps, metrics));
  return app;
}

export type AppType = (typeof routes)[number];
