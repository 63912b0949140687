// Benchmark (not a test): what request batching gives POST /v1/predict. A tiny real champion in a temp local
// bucket (20 ads with images) is served by the real API in its own process, once with batching off
// (SERVING_BATCH_WINDOW_MS=0, the baseline: every request its own forward pass) and once on; each is loaded
// over HTTP with 1-instance requests at concurrency 1 and 32 for a fixed time. Then the same predictor,
// batching on, is called in this process at concurrency 32: the rate batching alone reaches, without HTTP.
// Prints req/s, p50/p99 latency, the on ÷ off ratios, HTTP ÷ in-process, and the load average at each point.
// usage: tsx bench/predict-batching.ts [--seconds 10 --window-ms 2 --max-rows 256]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { startApiProcess } from './api-process';
import { driveInProcess } from './in-process-load';
import { createLogCostBucket, mixInstance } from './log-cost-bucket';
import { driveFor, type TimedLoad } from './predict-load';
import type { BenchApi } from './stack';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'window-ms': { type: 'string', default: '2' },
    'max-rows': { type: 'string', default: '256' },
  },
});
const seconds = Number(values.seconds);
const windowMs = Number(values['window-ms']);
const maxRows = Number(values['max-rows']);
const CONCURRENCIES = [1, 32];
const WARMUP_SECONDS = 1;

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const describe = (run: TimedLoad) =>
  `${fmt(run.perSecond).padStart(6)} req/s  p50 ${run.p50.toFixed(1).padStart(5)} ms  p99 ${run.p99.toFixed(1).padStart(6)} ms`;
/** Forward passes run and requests they answered, from the API's /metrics. */
async function batchCounts(api: BenchApi): Promise<{ passes: number; requests: number }> {
  const text = await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } })).text();
  const sample = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passes: sample('adclick_predict_batch_requests_count'), requests: sample('adclick_predict_batch_requests_sum') };
}
const body = (request: number) => JSON.stringify({ instances: [mixInstance(request, 0)] });

const bucket = await createLogCostBucket();
const bucketDir = path.join(bucket.dir, 'bucket');
console.log(
  `== predict batching: 1 instance per request, ${seconds} s per point, window ${windowMs} ms, at most ${maxRows} rows a batch; ` +
    `${os.cpus().length} cores, load average ${load()} ==`,
);

const http: Record<string, Record<number, TimedLoad>> = {};
for (const [label, window] of [
  ['off', 0],
  ['on', windowMs],
] as const) {
  const settings = { SERVING_BATCH_WINDOW_MS: String(window), SERVING_MAX_BATCH_ROWS: String(maxRows) };
  const api = await startApiProcess(bucketDir, settings, path.join(bucket.dir, 'api.log'));
  http[label] = {};
  for (const concurrency of CONCURRENCIES) {
    // Untimed: the first requests fetch the images and run the tower once per ad.
    await driveFor(api, body, concurrency, WARMUP_SECONDS);
    const before = await batchCounts(api);
    const run = await driveFor(api, body, concurrency, seconds);
    const after = await batchCounts(api);
    http[label][concurrency] = run;
    const perPass = (after.requests - before.requests) / (after.passes - before.passes);
    console.log(
      `HTTP       batching ${label.padEnd(3)} concurrency ${String(concurrency).padStart(2)}: ${describe(run)}  ` +
        `${perPass.toFixed(1).padStart(5)} requests/pass   load average ${load()}`,
    );
  }
  await api.stop();
}

const registry = new ModelRegistry(bucket.store);
const predictor = new ChampionPredictor({ store: bucket.store, registry, pollSeconds: 0, batching: { windowMs, maxRows } });
await predictor.start();
const instances = (request: number) => [mixInstance(request, 0)];
await driveInProcess(predictor, instances, 32, WARMUP_SECONDS);
const inProcess = await driveInProcess(predictor, instances, 32, seconds);
console.log(`in-process batching on  concurrency 32: ${describe(inProcess)}   load average ${load()}`);
await predictor.close();

const ratio = (a: number, b: number) => (a / b).toFixed(2);
for (const concurrency of CONCURRENCIES)
  console.log(`batching on ÷ off, concurrency ${concurrency}: ${ratio(http.on![concurrency]!.perSecond, http.off![concurrency]!.perSecond)}× req/s`);
console.log(`HTTP ÷ in-process, batching on, concurrency 32: ${ratio(http.on![32]!.perSecond, inProcess.perSecond)}`);
console.log(`load average at the end ${load()}`);
await fs.rm(bucket.dir, { recursive: true, force: true });
