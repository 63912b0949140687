import { createRouter } from '../../lib/create-app';
import * as handlers from './batch-scores.handlers';
import * as routes from './batch-scores.routes';

const router = createRouter().openapi(routes.start, handlers.start).openapi(routes.getOne, handlers.getOne);

export default router;
