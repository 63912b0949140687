import { InvalidInstancesError, NoChampionError } from '../../../core/serving/errors';
import type { AppRouteHandler } from '../../lib/types';
import type { PredictRoute } from './predict.routes';

export const predict: AppRouteHandler<PredictRoute> = async (c) => {
  const { instances } = c.req.valid('json');
  try {
    const result = await c.var.deps.predictor.predict(instances);
    c.var.metrics.predicted(result.modelVersion, result.predictions.length);
    return c.json(result, 200);
  } catch (error) {
    if (error instanceof NoChampionError) return c.json({ error: error.message }, 503);
    if (error instanceof InvalidInstancesError) return c.json({ error: error.message, details: error.problems }, 400);
    throw error;
  }
};
