// The prediction service (our TF Serving): serves the registry's champion from memory and follows the
// champion alias, loading a new champion completely before swapping it in, so no request ever sees
// a half-loaded model. Every load and swap is logged with its time and this process's identity.
import os from 'node:os';
import { columnsOf } from '../features/spec';
import { log } from '../log';
import type { ModelRegistry } from '../registry/model-registry';
import type { BlobStore } from '../storage/blob-store';
import { NoChampionError } from './errors';
import type { PredictionLog, PredictionLogStats } from './prediction-log';
import { ServingModel, type Instance, type Prediction } from './serving-model';
import type { BatchingOptions, BatchObserver } from './predict-batcher';
import type { ImageCacheCounts } from './serving-images';

export interface ChampionPredictorOptions {
  store: BlobStore;
  registry: ModelRegistry;
  /** Seconds between checks of the champion alias; 0 turns polling off (refresh() still works). */
  pollSeconds: number;
  /** Image embeddings kept per loaded model (default 10,000). */
  imageCacheSize?: number;
  /** How long a request waits for an uncached image before scoring without it (default 500 ms). */
  imageDeadlineMs?: number;
  /** Where served predictions are logged for the monthly feedback check; none: not logged. */
  predictionLog?: PredictionLog;
  /** How concurrent requests share forward passes (default: a 2 ms window, 256 instances). */
  batching?: BatchingOptions;
}

export interface PredictionResult {
  modelVersion: number;
  predictions: Prediction[];
}

export interface PredictorStatus {
  champion: number | null;
  /** When this process finished loading the model it serves. */
  loadedAt: string | null;
  /** The last failed attempt to load a champion, if the latest attempt failed. */
  lastError?: { message: string; at: string };
  /** What the prediction log wrote, dropped and holds, when there is one. */
  predictionLog?: PredictionLogStats;
}

const servedBy = { pid: process.pid, host: os.hostname() };

export const DEFAULT_BATCHING: BatchingOptions = { windowMs: 2, maxRows: 256 };

export class ChampionPredictor {
  private current?: ServingModel;
  private generation?: string;
  private queue: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private lastError?: { message: string; at: string };
  /** Since start, across every model this process served: for the API's metrics. */
  readonly counters = { swaps: 0, imageCache: { hits: 0, misses: 0 } as ImageCacheCounts };
  private readonly batchObservers = new Set<BatchObserver>();

  constructor(private readonly options: ChampionPredictorOptions) {}

  /** Loads the current champion if there is one (a failure is logged, not thrown), then starts polling. */
  async start(): Promise<void> {
    await this.refresh().catch(() => undefined);
    if (this.options.pollSeconds > 0 && !this.timer) {
      this.timer = setInterval(() => {
        this.refresh().catch(() => undefined);
      }, this.options.pollSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Checks the alias now and swaps if the champion changed. Refreshes run one at a time, in call order. */
  refresh(): Promise<void> {
    const run = this.queue.then(() => this.sync());
    this.queue = run.catch(() => undefined);
    return run;
  }

  async predict(instances: Instance[]): Promise<PredictionResult> {
    const model = this.current;
    if (!model) throw new NoChampionError();
    model.acquire();
    try {
      const predictions = await model.predict(instances);
      const idColumn = columnsOf(model.spec, 'id')[0]?.name;
      this.options.predictionLog?.record({ modelVersion: model.version, idColumn, instances, probabilities: predictions.map((p) => p.clickProbability) });
      return { modelVersion: model.version, predictions };
    } finally {
      model.release();
    }
  }

  /** Called with each forward pass's size (the API's metrics); returns a function that stops it. */
  observeBatches(observer: BatchObserver): () => void {
    this.batchObservers.add(observer);
    return () => this.batchObservers.delete(observer);
  }

  status(): PredictorStatus {
    return {
      champion: this.current?.version ?? null,
      loadedAt: this.current?.loadedAt.toISOString() ?? null,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.options.predictionLog ? { predictionLog: this.options.predictionLog.stats() } : {}),
    };
  }

  /** Stops polling and frees the model once in-flight requests finish. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.queue;
    this.current?.retire();
    this.current = undefined;
  }

  private async sync(): Promise<void> {
    const { registry } = this.options;
    // The alias generation is one stat: cheap enough to poll often.
    const generation = await registry.championGeneration();
    if (generation === undefined || generation === this.generation) return;
    const champion = await registry.champion();
    if (!champion) return;
    if (champion.version === this.current?.version) {
      this.generation = champion.generation;
      return;
    }
    const started = performance.now();
    let next: ServingModel;
    try {
      next = await ServingModel.load(this.options.store, registry, champion.version, {
        imageCacheSize: this.options.imageCacheSize ?? 10_000,
        imageDeadlineMs: this.options.imageDeadlineMs ?? 500,
        imageCounts: this.counters.imageCache,
        batching: this.options.batching ?? DEFAULT_BATCHING,
        observeBatch: (batch) => this.batchObservers.forEach((observer) => observer(batch)),
      });
    } catch (error) {
      this.lastError = { message: `loading v${champion.version} failed: ${(error as Error).message}`, at: new Date().toISOString() };
      log.error('serving model load failed', {
        event: 'serving-model-load-failed',
        version: champion.version,
        serving: this.current?.version ?? null,
        error: (error as Error).message,
        ...servedBy,
      });
      throw error;
    }
    const previous = this.current;
    this.current = next;
    this.generation = champion.generation;
    this.lastError = undefined;
    previous?.retire();
    if (previous) this.counters.swaps += 1;
    log.info(previous ? 'serving model swapped' : 'serving model loaded', {
      event: previous ? 'serving-model-swapped' : 'serving-model-loaded',
      version: next.version,
      previousVersion: previous?.version ?? null,
      at: next.loadedAt.toISOString(),
      championSince: champion.since,
      aliasGeneration: champion.generation,
      loadSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      ...servedBy,
    });
  }
}
