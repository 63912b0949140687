import type { AppRouteHandler } from '../../lib/types';
import type { MetricsRoute } from './metrics.routes';

export const metrics: AppRouteHandler<MetricsRoute> = async (c) => {
  const { metrics: registry } = c.var;
  return c.text(await registry.text(), 200, { 'Content-Type': registry.contentType });
};
