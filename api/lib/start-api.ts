// Builds the API's real dependencies from config and serves it; the API entry point and the main job share it.
import type { Config } from '../../core/config';
import { log } from '../../core/log';
import { ModelRegistry } from '../../core/registry/model-registry';
import { ChampionPredictor } from '../../core/serving/champion-predictor';
import { PredictionLog } from '../../core/serving/prediction-log';
import { openStore } from '../../core/storage/open-store';
import { connectClient, temporalAddress } from '../../core/temporal/connect';
import { initTensorFlow } from '../../core/tf/backend';
import { createApp } from '../app';
import { resolveApiTokens, type ApiTokens } from '../auth/resolve-tokens';
import { startServer } from './serve';

export interface RunningApi {
  url: string;
  predictor: ChampionPredictor;
  /** Where the tokens are when they were generated (no tokens configured). */
  generatedTokensFile?: string;
  stop(): Promise<void>;
}

/** access: the tokens, when the caller resolved them earlier (to fail before starting anything else). */
export async function startApi(config: Config, access?: ApiTokens): Promise<RunningApi> {
  // First: a refused configuration (e.g. no tokens on a network address) starts nothing.
  const { tokens, generatedFile } = access ?? (await resolveApiTokens(config));
  // Serving's forward passes are small batches: one intra-op thread leaves the other core to the event loop.
  const backend = await initTensorFlow(config.TF_BACKEND, { oneDnn: config.SERVING_ONEDNN, intraOpThreads: config.SERVING_TF_THREADS });
  const store = await openStore(config);
  const registry = new ModelRegistry(store);
  const predictionLog =
    config.PREDICTION_LOG_SAMPLE_RATE > 0
      ? new PredictionLog({
          store,
          sampleRate: config.PREDICTION_LOG_SAMPLE_RATE,
          flushRecords: config.PREDICTION_LOG_FLUSH_RECORDS,
          flushSeconds: config.PREDICTION_LOG_FLUSH_SECONDS,
          maxBuffered: config.PREDICTION_LOG_MAX_BUFFERED,
          includeInstances: config.PREDICTION_LOG_INSTANCES,
        })
      : undefined;
  const predictor = new ChampionPredictor({
    store,
    registry,
    pollSeconds: config.SERVING_POLL_SECONDS,
    imageDeadlineMs: config.SERVING_IMAGE_DEADLINE_MS,
    imageCacheSize: config.SERVING_IMAGE_CACHE_SIZE,
    batching: { windowMs: config.SERVING_BATCH_WINDOW_MS, maxRows: config.SERVING_MAX_BATCH_ROWS },
    predictionLog,
  });
  await predictor.start();
  // Predictions must keep working while Temporal is down: only the runs endpoints need it.
  const temporal = await connectClient({ address: temporalAddress(config), namespace: config.TEMPORAL_NAMESPACE }, { lazy: true });
  const server = await startServer(createApp({ store, registry, predictor, temporal, config, tokens }), config.API_HOST, config.API_PORT);
  log.info('api listening', {
    url: server.url,
    store: store.url,
    temporal: temporalAddress(config),
    tensorflow: backend,
    champion: predictor.status().champion,
    tokens: generatedFile ?? `${tokens.size} configured`,
  });
  return {
    url: server.url,
    predictor,
    generatedTokensFile: generatedFile,
    async stop() {
      await server.close();
      // After the last request and before the process goes: what the log still holds reaches the bucket.
      await predictionLog?.close();
      await predictor.close();
      await temporal.connection.close();
    },
  };
}
