// The real app over HTTP on a fresh bucket whose champion is a tiny real model, for tests that only
// need something to serve: its URL, the champion's version, a caller with a predict token, and stop.
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { startServer } from '../../api/lib/serve';
import { loadConfig } from '../../core/config';
import { ModelRegistry } from '../../core/registry/model-registry';
import { ChampionPredictor, type ChampionPredictorOptions } from '../../core/serving/champion-predictor';
import type { BlobStore } from '../../core/storage/blob-store';
import { apiCaller, testTokens, type ApiCall } from './api';
import { freshGcsStore } from './stack';
import { putTestImage, registerTinyModel } from './tiny-model';

export interface TinyChampionApi {
  url: string;
  version: number;
  /** Calls as a principal with the predict role. */
  call: ApiCall;
  token: string;
  store: BlobStore;
  registry: ModelRegistry;
  predictor: ChampionPredictor;
  stop(): Promise<void>;
}

/** The real app over HTTP serving the store's champion; `afterServerClosed` runs in stop between the server and the predictor. */
export async function serveChampion(
  store: BlobStore,
  predictorOptions: Partial<ChampionPredictorOptions> = {},
  afterServerClosed: () => Promise<void> = async () => undefined,
): Promise<Omit<TinyChampionApi, 'version'>> {
  const registry = new ModelRegistry(store);
  const predictor = new ChampionPredictor({ store, registry, pollSeconds: 0, ...predictorOptions });
  await predictor.start();
  const temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  const tokens = testTokens({ client: 'predict' });
  const server = await startServer(createApp({ store, registry, predictor, temporal, config: loadConfig(), tokens: tokens.set }), '127.0.0.1', 0);
  return {
    url: server.url,
    call: apiCaller(server.url, tokens.token.client),
    token: tokens.token.client,
    store,
    registry,
    predictor,
    async stop() {
      await server.close();
      await afterServerClosed();
      await predictor.close();
      await temporal.connection.close();
    },
  };
}

/** A fresh bucket whose champion is a tiny real model, served. */
export async function serveTinyChampion(): Promise<TinyChampionApi> {
  const store = await freshGcsStore();
  await putTestImage(store);
  const { version } = await registerTinyModel(store, new ModelRegistry(store), { promote: true });
  return { ...(await serveChampion(store)), version };
}
