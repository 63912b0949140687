// The OpenAPI document, generated from the routes' zod schemas.
import type { AppOpenAPI } from './types';

export function configureOpenApi(app: AppOpenAPI): void {
  app.doc('/openapi.json', {
    openapi: '3.0.0',
    info: { title: 'Ad click-through-rate API', version: '1.0.0', description: 'Click predictions from the champion model, pipeline runs, and the model registry.' },
  });
}
