// Entry point (`npm run api`): builds the real dependencies from config and serves the app until
// SIGINT/SIGTERM, then finishes in-flight requests before exiting.
import { loadConfig } from '../core/config';
import { log } from '../core/log';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { openStore } from '../core/storage/open-store';
import { connectClient } from '../core/temporal/connect';
import { initTensorFlow } from '../core/tf/backend';
import { createApp } from './app';
import { startServer } from './lib/serve';

/** How often serving checks the champion alias (one object stat) for a newly promoted model. */
const CHAMPION_POLL_SECONDS = 30;

const config = loadConfig();
const backend = await initTensorFlow(config.TF_BACKEND);
const store = await openStore(config);
const registry = new ModelRegistry(store);
const predictor = new ChampionPredictor({ store, registry, pollSeconds: CHAMPION_POLL_SECONDS });
await predictor.start();
const temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
const temporal = await connectClient({ address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE });

const server = await startServer(createApp({ store, registry, predictor, temporal, config }), config.API_HOST, config.API_PORT);
log.info('api listening', { url: server.url, store: store.url, temporal: temporalAddress, tensorflow: backend, champion: predictor.status().champion });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('api shutting down', { signal });
  await server.close();
  await predictor.close();
  await temporal.connection.close();
  log.info('api stopped');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(() => process.exit(0), (error: unknown) => {
      log.error('api shutdown failed', { error: (error as Error).message });
      process.exit(1);
    });
  });
}
