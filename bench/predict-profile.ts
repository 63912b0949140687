// Profile (not a test): where the API's event loop spends its time on POST /v1/predict. The real API in its
// own process under `node --cpu-prof` on predict-batching's bucket and load (1-instance requests at
// concurrency 32, batching on), its main thread's CPU a request from /proc, then its main thread's samples
// of the timed window in categories, as shares of the busy samples and of those outside postMessage (mostly
// the thread waiting for a core after waking the inference thread, not work: see cpu-profile-shares.ts).
// usage: tsx bench/predict-profile.ts [--seconds 10 --window-ms 2 --compare <dir>]  (--compare: profile another checkout's API)
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApiProcess } from './api-process';
import { cpuProfileShares, type Category } from './cpu-profile-shares';
import { createLogCostBucket, mixInstance } from './log-cost-bucket';
import { driveFor } from './predict-load';
import { processCpu } from './process-cpu';
import { loadAverages, thousands } from './report-numbers';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, 'window-ms': { type: 'string', default: '2' }, compare: { type: 'string' } },
});
const seconds = Number(values.seconds);
const CONCURRENCY = 32;
const POST_MESSAGE = 'thread messages (postMessage)';
// Innermost match wins: a Hono frame under the auth middleware is Hono's.
const CATEGORIES: Category[] = [
  [POST_MESSAGE, /postMessage|inference-thread/],
  ['prediction log', /prediction-log|storage\/lines/],
  ['auth (bearer token, sha256, role)', /api\/auth\/|node:internal\/crypto/],
  ['validation (zod, media-type gate, fast-path check)', /pkg:zod|zod-validator|zod-openapi|validInstances/],
  ['body read', /request-body|streams\/readable|string_decoder/],
  ['metrics', /api-metrics|prom-client/],
  ['instances parsed and encoded, images, batcher', /core\/serving|core\/features/],
  ['response written', /responseVia|_http_outgoing|writev|streams\/writable|node:net|stream_base/],
  ['web Request and Headers (@hono/node-server, undici)', /undici|@hono\/node-server/],
  ['Hono routing, middleware, context', /pkg:hono|create-app/],
  ['Node HTTP parser and server', /_http_|node:events/],
  ['garbage collector', /garbage/],
];

const bucket = await createLogCostBucket();
const profiles = path.join(bucket.dir, 'profiles');
const settings = { SERVING_BATCH_WINDOW_MS: values['window-ms'], SERVING_MAX_BATCH_ROWS: '256' };
const root = values.compare ? path.resolve(values.compare) : undefined;
const api = await startApiProcess(
  path.join(bucket.dir, 'bucket'),
  settings,
  path.join(bucket.dir, 'api.log'),
  ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
  root,
);
const body = (request: number) => JSON.stringify({ instances: [mixInstance(request, 0)] });
// Untimed: the first requests fetch the images and run the tower once per ad.
await driveFor(api, body, CONCURRENCY, 2);
const before = await processCpu(api.pid);
const run = await driveFor(api, body, CONCURRENCY, seconds);
const after = await processCpu(api.pid);
await api.stop();

// Node names a thread's profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main one.
const main = (await fs.readdir(profiles)).find((name) => name.split('.')[4] === '0')!;
const shares = await cpuProfileShares(path.join(profiles, main), seconds, CATEGORIES, 'other (microtasks, timers, V8)');
const perRequest = before && after ? `, main thread ${((after.mainThread - before.mainThread) / run.requests).toFixed(0)} µs CPU a request` : '';
console.log(`== ${root ?? 'this checkout'}: ${thousands(run.perSecond)} req/s under the profiler${perRequest}; load average ${loadAverages()} ==`);
const waiting = shares.find(([name]) => name === POST_MESSAGE)?.[1] ?? 0;
for (const [name, share] of shares) {
  const working = name === POST_MESSAGE ? '' : `${((100 * share) / (1 - waiting)).toFixed(1).padStart(5)} % outside postMessage`;
  console.log(`${(100 * share).toFixed(1).padStart(5)} %  ${working.padEnd(28)} ${name}`);
}
await fs.rm(bucket.dir, { recursive: true, force: true });
