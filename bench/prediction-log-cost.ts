// Benchmark (not a test): what the prediction log costs POST /v1/predict. The real API serves a tiny real
// champion from a local bucket twice per round, once with PREDICTION_LOG_SAMPLE_RATE=0 (the baseline) and once
// with 1 (every prediction logged, the other log settings at their defaults), each in a fresh process, under the
// same request mix over HTTP; the order alternates (off/on, on/off, ...) so drifting machine load hits both alike.
// usage: tsx bench/prediction-log-cost.ts [--requests 1500 --instances-per-request 20 --concurrency 4 --rounds 4]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApiProcess } from './api-process';
import { countLogEntries, createLogCostBucket, mixInstance } from './log-cost-bucket';
import { driveRequests, requestBodies } from './predict-load';
import { loadAverages, thousands } from './report-numbers';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1500' },
    'instances-per-request': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '4' },
  },
});
const requests = Number(values.requests);
const perRequest = Number(values['instances-per-request']);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
// Untimed: the first requests of a fresh process decode the images and warm the JIT.
const warmupRequests = Math.max(10, Math.round(requests / 20));

const bucket = await createLogCostBucket();
const bodies = requestBodies(mixInstance, requests, perRequest);
const warmup = requestBodies((r, i) => mixInstance(requests + r, i), warmupRequests, perRequest);

interface Run {
  perSecond: number;
  entries: number;
  shards: number;
  ok: boolean;
}

async function timedRun(label: string, sampleRate: 0 | 1): Promise<Run> {
  const before = await countLogEntries(bucket.store);
  const api = await startApiProcess(path.join(bucket.dir, 'bucket'), { PREDICTION_LOG_SAMPLE_RATE: String(sampleRate) }, path.join(bucket.dir, 'api.log'));
  await driveRequests(api, warmup, concurrency);
  const seconds = await driveRequests(api, bodies, concurrency);
  const stats = (await api.health()).predictionLog;
  await api.stop();
  const written = [...(await countLogEntries(bucket.store))].filter(([key]) => !before.has(key));
  const entries = written.reduce((sum, [, lines]) => sum + lines, 0);
  const expected = sampleRate * (warmupRequests + requests) * perRequest;
  const run = { perSecond: (requests * perRequest) / seconds, entries, shards: written.length, ok: entries === expected };
  const shardLine = `log: ${thousands(entries)} entries in ${written.length} shards, expected ${thousands(expected)}${run.ok ? '' : ' — MISMATCH'}`;
  // The last batch is written at stop, after the timed window: say how much of the writing the window saw.
  const during = sampleRate ? ` (${thousands(stats?.logged ?? 0)} written before the timed window ended, ${stats?.dropped ?? 0} dropped)` : '';
  const rate = `${thousands(run.perSecond)} instances/s (${requests} requests × ${perRequest} in ${seconds.toFixed(1)} s)`;
  console.log(`${label} log ${sampleRate ? 'on ' : 'off'}: ${rate}; ${shardLine}${during}; load average ${loadAverages()}`);
  return run;
}

console.log(
  `== prediction-log cost: ${requests} requests × ${perRequest} instances, concurrency ${concurrency}, ${rounds} rounds, ` +
    `${warmupRequests} warm-up requests per run, ${os.cpus().length} cores, load average ${loadAverages()} ==`,
);
const ratios: number[] = [];
const runs: Run[] = [];
for (let round = 1; round <= rounds; round++) {
  // off/on, then on/off: neither setting always runs first.
  const order: (0 | 1)[] = round % 2 === 1 ? [0, 1] : [1, 0];
  const result: Partial<Record<0 | 1, Run>> = {};
  for (const rate of order) result[rate] = await timedRun(`round ${round}`, rate);
  const ratio = result[1]!.perSecond / result[0]!.perSecond;
  ratios.push(ratio);
  runs.push(result[0]!, result[1]!);
  console.log(`round ${round}: on ÷ off = ${ratio.toFixed(3)}`);
}
const sorted = [...ratios].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
const logged = runs.reduce((sum, run) => sum + run.entries, 0);
const shards = runs.reduce((sum, run) => sum + run.shards, 0);
const allLogged = runs.every((run) => run.ok);
console.log(
  `median on ÷ off ${median.toFixed(3)} (throughput cost ${((1 - median) * 100).toFixed(1)} %; goal < 5 %); ` +
    `ratios ${ratios.map((r) => r.toFixed(3)).join(', ')}`,
);
console.log(
  `log entries written: ${thousands(logged)} in ${shards} shards; ` +
    `${allLogged ? 'every "on" run logged every prediction, no "off" run logged any' : 'SOME RUNS DID NOT LOG AS EXPECTED'}; load average ${loadAverages()}`,
);
await fs.rm(bucket.dir, { recursive: true, force: true });
if (!allLogged) process.exitCode = 1;
