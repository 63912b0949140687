// Prometheus metrics of one API process: requests and latency by route and status, instances predicted
// by model version, the size of each batched forward pass, the champion it serves, the prediction log's
// counts, and Node's process metrics.
import type { Context, MiddlewareHandler } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChampionPredictor } from '../../core/serving/champion-predictor';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000];
const LOG_OUTCOMES = ['logged', 'dropped', 'failed'] as const;

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'adclick_http_requests_total',
    help: 'HTTP requests answered',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'adclick_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly predictions = new Counter({
    name: 'adclick_predictions_total',
    help: 'Instances scored, by the model version that scored them',
    labelNames: ['model_version'],
    registers: [this.registry],
  });

  private readonly batchRequests = new Histogram({
    name: 'adclick_predict_batch_requests',
    help: 'Requests answered by one forward pass (its _count: forward passes run)',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  private readonly batchRows = new Histogram({
    name: 'adclick_predict_batch_instances',
    help: 'Instances scored by one forward pass',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  constructor(predictor: ChampionPredictor) {
    collectDefaultMetrics({ register: this.registry, prefix: 'adclick_api_' });
    predictor.observeBatches(({ requests, rows }) => {
      this.batchRequests.observe(requests);
      this.batchRows.observe(rows);
    });
    new Gauge({
      name: 'adclick_champion_version',
      help: 'The registry version this process serves (0: none yet)',
      registers: [this.registry],
      collect() {
        this.set(predictor.status().champion ?? 0);
      },
    });
    new Counter({
      name: 'adclick_champion_swaps_total',
      help: 'Times this process swapped to a newly promoted champion',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(predictor.counters.swaps);
      },
    });
    new Counter({
      name: 'adclick_image_cache_lookups_total',
      help: 'Ad image lookups at serving time, by result (hit: the image embedding was cached)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, predictor.counters.imageCache.hits);
        this.inc({ result: 'miss' }, predictor.counters.imageCache.misses);
      },
    });
    // The log keeps its own running counts; a scrape reports them as they are.
    new Gauge({
      name: 'adclick_prediction_log_entries',
      help: 'Prediction log entries since start, by outcome (logged, dropped: buffer full, failed: still unwritten when the log closed)',
      labelNames: ['outcome'],
      registers: [this.registry],
      collect() {
        const stats = predictor.status().predictionLog;
        for (const outcome of LOG_OUTCOMES) this.set({ outcome }, stats?.[outcome] ?? 0);
      },
    });
    new Gauge({
      name: 'adclick_prediction_log_write_errors',
      help: 'Prediction log shard writes the bucket refused since start (their entries wait for the next write)',
      registers: [this.registry],
      collect() {
        this.set(predictor.status().predictionLog?.writeErrors ?? 0);
      },
    });
  }

  /** Counts and times every request, including those refused before their route (401, 413, 404). */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      this.answered(c.req.method, routeOf(c), c.res.status, started);
    }
  };

  /** One request answered; `started` from performance.now(). */
  answered(method: string, route: string, status: number, started: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, (performance.now() - started) / 1000);
  }

  predicted(modelVersion: number, instances: number): void {
    this.predictions.inc({ model_version: String(modelVersion) }, instances);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The route pattern that answered (e.g. /v1/models/:version), never the raw path: label values stay few. */
function routeOf(c: Context): string {
  const handler = c.req.matchedRoutes.filter((route) => route.method !== 'ALL').at(-1);
  return handler?.path ?? 'unmatched';
}
