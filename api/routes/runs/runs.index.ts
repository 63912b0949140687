import { createRouter } from '../../lib/create-app';
import * as handlers from './runs.handlers';
import * as routes from './runs.routes';

const router = createRouter()
  .openapi(routes.start, handlers.start)
  .openapi(routes.getOne, handlers.getOne)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.report, handlers.report);

export default router;
