import { InvalidInstancesError, NoChampionError } from '../../../core/serving/errors';
import type { AppRouteHandler } from '../../lib/types';
import type { PredictRoute } from './predict.routes';

export const predict: AppRouteHandler<PredictRoute> = async (c) => {
  const { instances } = c.req.valid('json');
  try {
    return c.json(await c.var.deps.predictor.predict(instances), 200);
  } catch (error) {
    if (error instanceof NoChampionError) return c.json({ error: error.message }, 503);
    if (error instanceof InvalidInstancesError) return c.json({ error: error.message, details: error.problems }, 400);
    throw error;
  }
};
