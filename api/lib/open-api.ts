// The OpenAPI document, generated from the routes' zod schemas and their access declarations.
import { BEARER_SCHEME } from '../auth/route-access';
import type { AppOpenAPI } from './types';

export function configureOpenApi(app: AppOpenAPI): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from API_TOKENS / API_TOKENS_FILE, or the generated $DATA_DIR/api-tokens.json (README, Security)',
  });
  app.doc('/openapi.json', {
    openapi: '3.0.0',
    info: {
      title: 'Ad click-through-rate API',
      version: '1.0.0',
      description: 'Click predictions from the champion model, pipeline runs, and the model registry.',
    },
  });
}
