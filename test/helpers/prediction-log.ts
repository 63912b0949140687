// Serving with a prediction log in tests, and reading back what it wrote.
import type { LoggedPrediction } from '../../core/feedback/log-entry';
import { PREDICTION_LOG_PREFIX } from '../../core/feedback/log-entry';
import { ChampionPredictor } from '../../core/serving/champion-predictor';
import { PredictionLog, type PredictionLogOptions } from '../../core/serving/prediction-log';
import { listAll, type BlobStore } from '../../core/storage/blob-store';
import { readJsonLines } from '../../core/storage/lines';
import { apiCaller } from './api';
import { serveChampion } from './tiny-champion-api';

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
  const api = await serveChampion(store, { imageDeadlineMs: 60_000, predictionLog: log }, () => log.close());
  return { url: api.url, token: api.token, log, predictor: api.predictor, stop: api.stop };
}

export interface Served {
  modelVersion: number;
  predictions: { clickProbability: number }[];
}

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
