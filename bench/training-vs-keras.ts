// Benchmark (not a test): the project's training step against its Keras twin (bench/keras/click_model.py)
// on the same generated month, encoded once by the project's transform: interleaved rounds of one
// project epoch and one Keras run in a child process, each timed over warm steps only (an epoch's
// batches after its first, in an epoch after a warm-up one), then project ÷ Keras per round and median.
// The head alone by default; with --images the model the pipeline trains on a month with images: the image tower
// too, on one random image per ad, run once per unique image in a batch on both sides.
// usage: bash bench/keras/setup.sh && tsx bench/training-vs-keras.ts [--images] [--rows 100000, 30000 with --images] [--rounds 5] [--ads 2000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { pipelineSettings } from '../core/pipeline/settings';
import { trainableVariables, type TrainOptions } from '../core/model/train-loop';
import { initTensorFlow } from '../core/tf/backend';
import { generateTwinData, writeTwinData } from './keras/twin-data';
import { jointEpochs } from './joint-epochs';
import { median } from './report-numbers';

const { values } = parseArgs({
  options: {
    images: { type: 'boolean', default: false },
    rows: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    ads: { type: 'string', default: '2000' },
  },
});
// The tower makes an epoch ~10× slower: fewer rows keep a round near the head alone's length.
const rows = Number(values.rows ?? (values.images ? 30000 : 100000));
const TF_TUNING = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'TF_ENABLE_ONEDNN_OPTS', 'OMP_NUM_THREADS'];
const here = path.dirname(new URL(import.meta.url).pathname);
const python = path.join(here, 'keras/.venv/bin/python');
await fs.access(python).catch(() => {
  throw new Error(`no Keras twin environment at ${python}: run bash bench/keras/setup.sh first`);
});

const backend = await initTensorFlow('native');
const config = loadConfig();
// The pipeline's own training settings, one epoch at a time (the bench times epochs itself).
const options: TrainOptions = { ...pipelineSettings(config, 'bench').training, maxEpochs: 1, patience: 1 };
const data = generateTwinData('2026-10', rows, Number(values.ads), values.images);
const { dataset, transform } = data;
const baseRate = dataset.label.reduce((a, b) => a + b, 0) / dataset.rows;
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-keras-twin-'));
await writeTwinData(dir, data, options, baseRate);

// The project: the joint phase (the whole model trains), one epoch a round.
const { model, epoch: projectEpoch } = jointEpochs(data, options);

// Keras runs at TensorFlow's own thread and oneDNN defaults, whatever the project side was started with.
const kerasEnv: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
for (const name of TF_TUNING) delete kerasEnv[name];

interface KerasRun {
  examplesPerSecond: number;
  loss: number;
  trainableParameters: number;
  jitCompile: boolean;
  tensorflow: string;
  keras: string;
}

function kerasRun(): KerasRun {
  // Two epochs: the first traces and compiles, the second is timed.
  const child = spawnSync(python, [path.join(here, 'keras/click_model.py'), dir, '2'], {
    encoding: 'utf8',
    env: kerasEnv,
  });
  if (child.status !== 0) throw new Error(`Keras twin failed (${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

const rounds = Number(values.rounds);
const images = transform.image
  ? `with the image tower over ${new Set(dataset.image.filter((row) => row >= 0)).size} images of ${transform.image.size}×${transform.image.size}`
  : 'no images: the head alone';
console.log(`${dataset.rows} rows (adclick 2026-10, ${values.ads} ads, ${images}), batch ${options.batchSize}, Adam ${options.learningRate}`);
const tuning = TF_TUNING.filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`);
console.log(`project TensorFlow settings: ${tuning.join(' ') || 'defaults'}; Keras: defaults`);
console.log(`embedding L2 ${options.embeddingL2} (linear tables ${options.linear!.l2}), id dropout ${options.idDropout}; project on ${backend}`);
await projectEpoch(); // warm-up: kernels, allocations
const ratios: number[] = [];
const project: number[] = [];
const keras: number[] = [];
const loads: number[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const ours = await projectEpoch();
    const theirs = kerasRun();
    const load = os.loadavg()[0]!;
    project.push(ours.examplesPerSecond);
    keras.push(theirs.examplesPerSecond);
    ratios.push(ours.examplesPerSecond / theirs.examplesPerSecond);
    loads.push(load);
    if (round === 1) {
      console.log(`Keras ${theirs.keras} on TensorFlow ${theirs.tensorflow}, jit_compile ${theirs.jitCompile}`);
      const ourParameters = trainableVariables(model).reduce((sum, v) => sum + v.size, 0);
      console.log(`trainable parameters: project ${ourParameters}, Keras ${theirs.trainableParameters}`);
      // Rates of two different models say nothing about either training loop.
      if (ourParameters !== theirs.trainableParameters) throw new Error('the Keras twin is not the same model: fix bench/keras/click_model.py');
    }
    console.log(
      `round ${round}: project ${ours.examplesPerSecond.toFixed(0)} ex/s (loss ${ours.loss.toFixed(4)}), ` +
        `Keras ${theirs.examplesPerSecond.toFixed(0)} ex/s (loss ${theirs.loss.toFixed(4)}), ` +
        `ratio ${ratios.at(-1)!.toFixed(2)}, load average ${load.toFixed(1)}`,
    );
  }
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
console.log(
  `median: project ${median(project).toFixed(0)} ex/s, Keras ${median(keras).toFixed(0)} ex/s, ` +
    `project ÷ Keras ${median(ratios).toFixed(2)} (load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`,
);
