import { createRouter } from '../../lib/create-app';
import * as handlers from './predict.handlers';
import * as routes from './predict.routes';

const router = createRouter().openapi(routes.predict, handlers.predict);

export default router;
