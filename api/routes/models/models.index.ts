import { createRouter } from '../../lib/create-app';
import * as handlers from './models.handlers';
import * as routes from './models.routes';

// The fixed paths (champion, history) come before /v1/models/{version}, which would match them too.
const router = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.champion, handlers.champion)
  .openapi(routes.history, handlers.history)
  .openapi(routes.getOne, handlers.getOne)
  .openapi(routes.promote, handlers.promote);

export default router;
