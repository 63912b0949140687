import { loadedBackend } from '../../../core/tf/backend';
import type { AppRouteHandler } from '../../lib/types';
import type { HealthRoute } from './health.routes';

// 200 even without a champion: the process is alive; /v1/predict is what answers 503.
export const health: AppRouteHandler<HealthRoute> = (c) => {
  const status = c.var.deps.predictor.status();
  return c.json({ status: status.champion === null ? ('no-champion' as const) : ('ok' as const), tensorflowBackend: loadedBackend() ?? null, ...status }, 200);
};
