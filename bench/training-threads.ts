// Benchmark (not a test): training speed with TensorFlow's intra-op thread pool at its default (one thread
// per core) against TF_NUM_INTRAOP_THREADS (default here cores − 1, leaving the calling thread its own core),
// for the head alone and with the image tower. Each setting runs in its own process (TensorFlow reads the pool size once, when it
// loads), in interleaved rounds; each process times one epoch after a warm-up one, over warm steps only.
// usage: tsx bench/training-threads.ts [--rows 100000] [--image-rows 10000] [--rounds 5] [--threads 1]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { pipelineSettings } from '../core/pipeline/settings';
import type { TrainOptions } from '../core/model/train-loop';
import { initTensorFlow } from '../core/tf/backend';
import { jointEpochs } from './joint-epochs';
import { generateTwinData } from './keras/twin-data';
import { loadAverages, median } from './report-numbers';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'image-rows': { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: String(Math.max(1, os.availableParallelism() - 1)) },
    child: { type: 'string' },
  },
});

if (values.child) {
  console.log(JSON.stringify(await childEpoch(values.child === 'images', Number(values.child === 'images' ? values['image-rows'] : values.rows))));
  process.exit(0);
}

/** One warm-up and one timed epoch of the joint phase in this process, at whatever pool size it was started with. */
async function childEpoch(images: boolean, rows: number): Promise<{ examplesPerSecond: number }> {
  await initTensorFlow('native');
  const options: TrainOptions = { ...pipelineSettings(loadConfig(), 'bench').training, maxEpochs: 1, patience: 1 };
  const { epoch } = jointEpochs(generateTwinData('2026-10', rows, 2000, images), options);
  await epoch();
  return epoch();
}

function run(kind: 'head' | 'images', threads: string | undefined): number {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  delete env.TF_NUM_INTRAOP_THREADS;
  if (threads) env.TF_NUM_INTRAOP_THREADS = threads;
  const args = ['tsx', new URL(import.meta.url).pathname, '--child', kind, '--rows', values.rows, '--image-rows', values['image-rows']];
  const child = spawnSync('npx', args, { encoding: 'utf8', env });
  if (child.status !== 0) throw new Error(`child (${kind}, threads ${threads ?? 'default'}) failed:\n${child.stderr}`);
  return (JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { examplesPerSecond: number }).examplesPerSecond;
}

const threads = values.threads;
console.log(`${os.availableParallelism()} cores; TensorFlow's default intra-op pool vs TF_NUM_INTRAOP_THREADS=${threads}`);
console.log(`head alone: ${values.rows} rows; with the image tower: ${values['image-rows']} rows; batch and optimiser as the pipeline trains`);
for (const kind of ['head', 'images'] as const) {
  const ratios: number[] = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    // Alternate which goes first, so a drift in the machine's load does not favour one side.
    let base: number, tuned: number;
    if (round % 2 === 1) [base, tuned] = [run(kind, undefined), run(kind, threads)];
    else [tuned, base] = [run(kind, threads), run(kind, undefined)];
    ratios.push(tuned / base);
    console.log(
      `${kind} round ${round} (load ${os.loadavg()[0]!.toFixed(1)}): ` +
        `default ${Math.round(base)} ex/s, ${threads} thread(s) ${Math.round(tuned)} ex/s, ratio ${(tuned / base).toFixed(2)}`,
    );
  }
  console.log(
    `${kind}: ${threads} thread(s) ÷ default, median ${median(ratios).toFixed(2)} ` +
      `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; load average ${loadAverages()})`,
  );
}
