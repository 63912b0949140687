// Entry point (`npm run api`): serves the API until SIGINT/SIGTERM, then finishes in-flight requests.
import { loadConfig } from '../core/config';
import { log } from '../core/log';
import { startApi } from './lib/start-api';

const api = await startApi(loadConfig());

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info('api shutting down', { signal });
    api.stop().then(() => {
      log.info('api stopped');
      process.exit(0);
    }, (error: unknown) => {
      log.error('api shutdown failed', { error: (error as Error).message });
      process.exit(1);
    });
  });
}
