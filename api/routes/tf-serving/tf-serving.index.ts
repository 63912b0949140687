import { createRouter } from '../../lib/create-app';
import * as handlers from './tf-serving.handlers';
import * as routes from './tf-serving.routes';

const router = createRouter().openapi(routes.status, handlers.status).openapi(routes.metadata, handlers.metadata).openapi(routes.predict, handlers.predict);

export default router;
