import { createRouter } from '../../lib/create-app';
import * as handlers from './metrics.handlers';
import * as routes from './metrics.routes';

const router = createRouter().openapi(routes.metrics, handlers.metrics);

export default router;
