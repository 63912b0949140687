// Serving with a prediction log in tests, and reading back what it wrote.
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { startServer } from '../../api/lib/serve';
import { loadConfig } from '../../core/config';
import type { LoggedPrediction } from '../../core/feedback/log-entry';
import { PREDICTION_LOG_PREFIX } from '../../core/feedback/log-entry';
import { ModelRegistry } from '../../core/registry/model-registry';
import { ChampionPredictor } from '../../core/serving/champion-predictor';
import { PredictionLog, type PredictionLogOptions } from '../../core/serving/prediction-log';
import { listAll, type BlobStore } from '../../core/storage/blob-store';
import { readJsonLines } from '../../core/storage/lines';
import { apiCaller, testTokens } from './api';

/** An API to predict from: where it listens and a token with the predict role. */
export interface PredictingApi {
  url: string;
  token: string;
}

export interface LoggingApi extends PredictingApi {
  log: PredictionLog;
  predictor: ChampionPredictor;
  /** Stops like the API's stop: the server, then the log (flushing it), then the predictor. */
  stop(): Promise<void>;
}

/** The real app over HTTP, serving the store's champion and logging to the store; the log never flushes on its own unless told. */
export async function serveWithPredictionLog(store: BlobStore, options: Partial<PredictionLogOptions> = {}): Promise<LoggingApi> {
  const quiet = { sampleRate: 1, flushRecords: 1_000_000, flushSeconds: 3600, maxBuffered: 1_000_000, includeInstances: false };
  const log = new PredictionLog({ store, ...quiet, ...options });
  const registry = new ModelRegistry(store);
  const predictor = new ChampionPredictor({ store, registry, pollSeconds: 0, imageDeadlineMs: 60_000, predictionLog: log });
  await predictor.start();
  const temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  const tokens = testTokens({ client: 'predict' });
  const server = await startServer(createApp({ store, registry, predictor, temporal, config: loadConfig(), tokens: tokens.set }), '127.0.0.1', 0);
  return {
    url: server.url,
    token: tokens.token.client,
    log,
    predictor,
    async stop() {
      await server.close();
      await log.close();
      await predictor.close();
      await temporal.connection.close();
    },
  };
}

export interface Served { modelVersion: number; predictions: { clickProbability: number }[] }

export function postPredict(api: PredictingApi, instances: unknown[]): Promise<{ status: number; body: Served }> {
  return apiCaller(api.url, api.token)<Served>('POST', '/v1/predict', { instances });
}

/** Every entry of every shard in the bucket, with the shard it came from. */
export async function readPredictionLog(store: BlobStore): Promise<(LoggedPrediction & { shard: string })[]> {
  const entries: (LoggedPrediction & { shard: string })[] = [];
  for (const shard of await listAll(store, PREDICTION_LOG_PREFIX)) {
    for await (const entry of readJsonLines<LoggedPrediction>(store, shard.key)) entries.push({ ...entry, shard: shard.key });
  }
  return entries;
}
