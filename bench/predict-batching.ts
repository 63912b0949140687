// Benchmark (not a test): POST /v1/predict with 1-instance requests at concurrency 32. A tiny real champion in a
// temp local bucket (20 ads with images) is served by the real API in its own process, once with batching off
// (SERVING_BATCH_WINDOW_MS=0, the baseline: every request its own forward pass) and once on. Against them: the
// same predictor, batching on, called in this process (what batching reaches without HTTP), and a bare node:http
// endpoint that only reads the body and answers (the ceiling of this load generator on this machine). The four
// points run in interleaved rounds, so other jobs on the machine slow all of them alike; medians are reported.
// Prints req/s and p99 per point, batched ÷ unbatched, HTTP ÷ in-process, HTTP ÷ ceiling, HTTP ÷ the in-process
// cycle plus the ceiling's round trip (what the API's own HTTP handling costs), and the load average;
// for each API process also its CPU time per request (main thread, and all threads), which other jobs on the
// machine move far less than req/s. --compare <dir> adds the batched API of another checkout of this project
// (e.g. `git archive <commit>` unpacked, with node_modules linked) on the same bucket, and its ratio.
// usage: tsx bench/predict-batching.ts [--seconds 5 --rounds 3 --window-ms 2 --max-rows 256 --compare <dir>]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { initTensorFlow } from '../core/tf/backend';
import { startApiProcess, type ApiProcess } from './api-process';
import { driveInProcess } from './in-process-load';
import { createLogCostBucket, mixInstance } from './log-cost-bucket';
import { driveFor, type TimedLoad } from './predict-load';
import type { BenchApi } from './stack';
import { startTrivialEndpoint } from './trivial-endpoint';
import { processCpu } from './process-cpu';
import { loadAverages, median, thousands } from './report-numbers';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'window-ms': { type: 'string', default: '2' },
    'max-rows': { type: 'string', default: '256' },
    compare: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const windowMs = Number(values['window-ms']);
const maxRows = Number(values['max-rows']);
const CONCURRENCY = 32;
const WARMUP_SECONDS = 1;

/** Forward passes run and requests they answered, from the API's /metrics. */
async function batchCounts(api: BenchApi): Promise<{ passes: number; requests: number }> {
  const text = await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } })).text();
  const sample = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passes: sample('adclick_predict_batch_requests_count'), requests: sample('adclick_predict_batch_requests_sum') };
}
const body = (request: number) => JSON.stringify({ instances: [mixInstance(request, 0)] });
const instances = (request: number) => [mixInstance(request, 0)];

// The in-process predictor runs TensorFlow as the API process does (SERVING_ONEDNN, SERVING_TF_THREADS).
const serving = loadConfig();
await initTensorFlow(serving.TF_BACKEND, { oneDnn: serving.SERVING_ONEDNN, intraOpThreads: serving.SERVING_TF_THREADS });
const bucket = await createLogCostBucket();
const bucketDir = path.join(bucket.dir, 'bucket');
const logFile = path.join(bucket.dir, 'api.log');
console.log(
  `== predict at concurrency ${CONCURRENCY}, 1 instance per request: ${rounds} interleaved rounds of ${seconds} s per point, ` +
    `window ${windowMs} ms, at most ${maxRows} rows a batch; ${os.cpus().length} cores, load average ${loadAverages()} ==`,
);

const apiSettings = (window: number) => ({ SERVING_BATCH_WINDOW_MS: String(window), SERVING_MAX_BATCH_ROWS: String(maxRows) });
const unbatched = await startApiProcess(bucketDir, apiSettings(0), logFile);
const batched = await startApiProcess(bucketDir, apiSettings(windowMs), logFile);
const compared = values.compare ? await startApiProcess(bucketDir, apiSettings(windowMs), logFile, [], path.resolve(values.compare)) : undefined;
const ceiling = await startTrivialEndpoint();
const predictor = new ChampionPredictor({ store: bucket.store, registry: new ModelRegistry(bucket.store), pollSeconds: 0, batching: { windowMs, maxRows } });
await predictor.start();

interface Point {
  name: string;
  drive(seconds: number): Promise<TimedLoad>;
  /** Requests per forward pass and CPU per request, for the API points. */
  api?: ApiProcess;
}
const points: Point[] = [
  { name: 'HTTP unbatched', api: unbatched, drive: (s) => driveFor(unbatched, body, CONCURRENCY, s) },
  { name: 'HTTP batched', api: batched, drive: (s) => driveFor(batched, body, CONCURRENCY, s) },
  ...(compared ? [{ name: 'HTTP batched, compared', api: compared, drive: (s: number) => driveFor(compared, body, CONCURRENCY, s) }] : []),
  { name: 'in-process batched', drive: (s) => driveInProcess(predictor, instances, CONCURRENCY, s) },
  { name: 'trivial endpoint', drive: (s) => driveFor(ceiling, body, CONCURRENCY, s) },
];
// Untimed: the first requests fetch the images and run the tower once per ad.
for (const point of points) await point.drive(WARMUP_SECONDS);

const runs = new Map<string, TimedLoad[]>(points.map((point) => [point.name, []]));
const cpuPerRequest = new Map<string, { main: number[]; all: number[] }>(points.map((point) => [point.name, { main: [], all: [] }]));
for (let round = 1; round <= rounds; round++) {
  for (const point of points) {
    const before = point.api && (await batchCounts(point.api));
    const cpuBefore = point.api && (await processCpu(point.api.pid));
    const run = await point.drive(seconds);
    runs.get(point.name)!.push(run);
    const cpuAfter = point.api && (await processCpu(point.api.pid));
    const after = point.api && (await batchCounts(point.api));
    const perPass = before && after ? `${((after.requests - before.requests) / (after.passes - before.passes)).toFixed(1).padStart(5)} requests/pass` : '';
    let cpu = '';
    if (cpuBefore && cpuAfter) {
      const main = (cpuAfter.mainThread - cpuBefore.mainThread) / run.requests;
      const all = (cpuAfter.allThreads - cpuBefore.allThreads) / run.requests;
      cpuPerRequest.get(point.name)!.main.push(main);
      cpuPerRequest.get(point.name)!.all.push(all);
      cpu = `CPU µs/request ${main.toFixed(0).padStart(4)} main, ${all.toFixed(0).padStart(4)} all`;
    }
    console.log(
      `round ${round}  ${point.name.padEnd(22)} ${thousands(run.perSecond).padStart(6)} req/s  p50 ${run.p50.toFixed(1).padStart(5)} ms  ` +
        `p99 ${run.p99.toFixed(1).padStart(6)} ms  ${perPass.padEnd(20)} ${cpu.padEnd(34)} load average ${loadAverages()}`,
    );
  }
}

const rate = (name: string) => median(runs.get(name)!.map((run) => run.perSecond));
const p99 = (name: string) => median(runs.get(name)!.map((run) => run.p99));
console.log(`-- medians of ${rounds} rounds, concurrency ${CONCURRENCY}:`);
for (const point of points) {
  const cpu = cpuPerRequest.get(point.name)!;
  const cpuText = cpu.all.length > 0 ? `  CPU µs/request ${median(cpu.main).toFixed(0)} main, ${median(cpu.all).toFixed(0)} all` : '';
  console.log(`${point.name.padEnd(22)} ${thousands(rate(point.name)).padStart(6)} req/s  p99 ${p99(point.name).toFixed(1).padStart(6)} ms${cpuText}`);
}
const ratio = (a: string, b: string) => `${(rate(a) / rate(b)).toFixed(2)}×`;
console.log(`batched ÷ unbatched (HTTP):        ${ratio('HTTP batched', 'HTTP unbatched')}`);
console.log(`HTTP ÷ in-process (batched):       ${ratio('HTTP batched', 'in-process batched')}`);
console.log(`HTTP batched ÷ trivial endpoint:   ${ratio('HTTP batched', 'trivial endpoint')}`);
// By Little's law each point's mean cycle is concurrency ÷ rate. Were HTTP's cycle the in-process one plus a bare
// endpoint's round trip (the generator's and loopback's work, which any HTTP server pays on these cores), this ratio
// would be 1: below 1 is what the API's own HTTP handling adds, above 1 what of it overlaps the forward passes.
const inSeries = 1 / (1 / rate('in-process batched') + 1 / rate('trivial endpoint'));
console.log(`HTTP ÷ (in-process + bare round trip in series): ${(rate('HTTP batched') / inSeries).toFixed(2)}×`);
if (compared) console.log(`HTTP batched ÷ compared checkout:  ${ratio('HTTP batched', 'HTTP batched, compared')}`);
console.log(`load average at the end ${loadAverages()}`);

await predictor.close();
ceiling.stop();
await Promise.all([unbatched.stop(), batched.stop(), compared?.stop()]);
await fs.rm(bucket.dir, { recursive: true, force: true });
