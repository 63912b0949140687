// Benchmark (not a test): months of growing size through the real pipeline, with the pipeline worker and
// the training worker each in its own process, and per size: seconds per stage and each worker's peak RSS
// (VmHWM). Then the fitted growth of peak RSS per impression, and the largest month one 24 GB worker
// holds by that fit. Epochs are few by default: memory does not grow with them, time does.
// usage: tsx bench/scale-benchmark.ts [--impressions 100000,1000000,2000000] [--ads 2000] [--epochs 1] [--dataset-memory BYTES]
// (--dataset-memory sets TRAIN_DATASET_MEMORY_BYTES: below the months' size, training streams and its RSS should stay flat;
// --malloc-arenas N, or `glibc` for glibc's default: the workers' MALLOC_ARENA_MAX, by default what the launchers set)
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateMonth } from '../core/datagen/generate-month';
import { pipelineSettings } from '../core/pipeline/settings';
import { LocalStore } from '../core/storage/local-store';
import { connectClient } from '../core/temporal/connect';
import { monthlyPipeline } from '../workflows/monthly-pipeline';
import { activityIntervals, activitySpans } from '../core/temporal/activity-intervals';
import { peakRssByActivity, sampleRss } from './rss-by-activity';
import { benchConfig, startBenchTemporal } from './stack';
import { WORKER_MALLOC_ARENAS } from '../workers/malloc-arenas';

const { values } = parseArgs({
  options: {
    impressions: { type: 'string', default: '100000,1000000,2000000' },
    ads: { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '1' },
    'dataset-memory': { type: 'string' },
    'malloc-arenas': { type: 'string', default: WORKER_MALLOC_ARENAS },
  },
});
const sizes = values.impressions!.split(',').map(Number);
const GB = 1024 ** 3;
const root = path.resolve(import.meta.dirname, '..');

interface Measured {
  impressions: number;
  seconds: Record<string, number>;
  total: number;
  peakRssMb: { pipeline: number; training: number };
  /** Per worker, per activity: the highest RSS sampled while it ran. */
  byActivity: { pipeline: Map<string, number>; training: Map<string, number> };
}

function startWorkerProcess(kind: 'pipeline' | 'training', env: NodeJS.ProcessEnv): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', `workers/${kind}-worker.ts`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes('workers running')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`${kind} worker exited (${code}):\n${output.slice(-3000)}`)));
  });
  return { child, ready };
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-scale-'));
const temporal = await startBenchTemporal(dir);
const results: Measured[] = [];
try {
  for (const impressions of sizes) {
    const month = `2030-${String(results.length + 1).padStart(2, '0')}`;
    const bucket = path.join(dir, `bucket-${impressions}`);
    const config = benchConfig(temporal, bucket, {
      TRAIN_MAX_EPOCHS: values.epochs!,
      PIPELINE_TASK_QUEUE: `scale-${month}`,
      TRAINING_TASK_QUEUE: `scale-train-${month}`,
    });
    const generated = performance.now();
    await generateMonth(new LocalStore(bucket), { month, impressions, ads: Number(values.ads) });
    console.log(`${impressions} impressions generated in ${((performance.now() - generated) / 1000).toFixed(0)} s`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
      STORAGE_URL: config.STORAGE_URL,
      PIPELINE_TASK_QUEUE: config.PIPELINE_TASK_QUEUE,
      TRAINING_TASK_QUEUE: config.TRAINING_TASK_QUEUE,
      ...(values['dataset-memory'] ? { TRAIN_DATASET_MEMORY_BYTES: values['dataset-memory'] } : {}),
    };
    if (values['malloc-arenas'] === 'glibc') delete env.MALLOC_ARENA_MAX;
    else env.MALLOC_ARENA_MAX = values['malloc-arenas'];
    const workers = { pipeline: startWorkerProcess('pipeline', env), training: startWorkerProcess('training', env) };
    await Promise.all([workers.pipeline.ready, workers.training.ready]);
    const client = await connectClient({ address: config.TEMPORAL_ADDRESS!, namespace: config.TEMPORAL_NAMESPACE });
    const samplers = { pipeline: sampleRss(workers.pipeline.child.pid!), training: sampleRss(workers.training.child.pid!) };
    const started = performance.now();
    const run = await client.workflow.execute(monthlyPipeline, {
      taskQueue: config.PIPELINE_TASK_QUEUE,
      workflowId: `scale-${month}`,
      args: [{ month, settings: pipelineSettings(config, 'bench'), force: true }],
    });
    const total = (performance.now() - started) / 1000;
    const intervals = await activityIntervals(client, `scale-${month}`);
    await client.connection.close();
    const byActivity = {
      pipeline: peakRssByActivity(samplers.pipeline.stop(), intervals),
      training: peakRssByActivity(samplers.training.stop(), intervals),
    };
    const measured: Measured = {
      impressions,
      seconds: Object.fromEntries(Object.entries(run.seconds).map(([stage, s]) => [stage, s!])),
      total,
      peakRssMb: { pipeline: await peakRssMb(workers.pipeline.child.pid!), training: await peakRssMb(workers.training.child.pid!) },
      byActivity,
    };
    results.push(measured);
    for (const { child } of Object.values(workers)) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const stages = Object.entries(measured.seconds)
      .map(([stage, s]) => `${stage} ${s.toFixed(0)}s`)
      .join(', ');
    const peaks = `pipeline ${measured.peakRssMb.pipeline.toFixed(0)} MB, training ${measured.peakRssMb.training.toFixed(0)} MB`;
    console.log(`${impressions} impressions: ${stages}; total ${total.toFixed(0)} s; peak RSS ${peaks} (load ${os.loadavg()[0]!.toFixed(1)})`);
    const spans = activitySpans(intervals).map(({ activity, count, seconds }) => `${activity}${count > 1 ? ` ×${count}` : ''} ${seconds.toFixed(1)}s`);
    console.log(`  activities, first start to last end: ${spans.join(', ')}`);
    for (const worker of ['pipeline', 'training'] as const) {
      const ran = [...byActivity[worker]].filter(([, mb]) => mb > 0).sort((a, b) => b[1] - a[1]);
      console.log(`  ${worker} worker RSS while each activity ran: ${ran.map(([activity, mb]) => `${activity} ${mb.toFixed(0)} MB`).join(', ')}`);
    }
    await fs.rm(bucket, { recursive: true, force: true });
  }
} finally {
  await temporal.stop();
  await fs.rm(dir, { recursive: true, force: true });
}

// Least-squares line through (impressions, peak RSS) per worker.
for (const worker of ['pipeline', 'training'] as const) {
  const xs = results.map((r) => r.impressions);
  const ys = results.map((r) => r.peakRssMb[worker]);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const slope =
    xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) /
    Math.max(
      xs.reduce((s, x) => s + (x - mx) ** 2, 0),
      1,
    );
  const intercept = my - slope * mx;
  const fits = slope > 0 ? `${((24 * 1024 - intercept) / slope / 1e6).toFixed(0)}M impressions fit 24 GB` : 'no growth measured';
  const growth = `${results.at(-1)!.impressions / results[0]!.impressions}× the impressions: ${(ys.at(-1)! / ys[0]!).toFixed(2)}× the peak RSS`;
  const lastRatio = results.length > 1 ? ` (${growth})` : '';
  console.log(`${worker} worker: ${intercept.toFixed(0)} MB + ${(slope * 1024).toFixed(3)} KB per impression${lastRatio}; ${fits}`);
}
const machine = `${os.cpus().length} cores; ${(os.totalmem() / GB).toFixed(0)} GB`;
console.log(
  `(${machine}; ${values.epochs} epoch(s) per training phase; ` +
    `TRAIN_DATASET_MEMORY_BYTES ${values['dataset-memory'] ?? 'default'}; MALLOC_ARENA_MAX ${values['malloc-arenas']})`,
);
