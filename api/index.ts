// Entry point (`npm run api`): serves the API until SIGINT/SIGTERM, then finishes in-flight requests.
import { loadConfig } from '../core/config';
import { log } from '../core/log';
import { startApi, type RunningApi } from './lib/start-api';

let api: RunningApi;
try {
  api = await startApi(loadConfig());
} catch (error) {
  // A readable line and exit 1, e.g. for a network address without tokens, not a stack trace.
  log.error('api could not start', { error: (error as Error).message });
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info('api shutting down', { signal });
    api.stop().then(
      () => {
        log.info('api stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('api shutdown failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  });
}
