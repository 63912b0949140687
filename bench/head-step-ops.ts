// Benchmark (not a test): one training step and one serving forward pass of the click head, through
// tfjs' layers and losses (the baseline: head.apply, tf.losses.sigmoidCrossEntropy, square().sum()) and
// through the hand-written forward and step loss, on the Keras bench's data (no images): TensorFlow ops
// and tfjs kernels per step and per forward pass, and steps a second in interleaved rounds, as a ratio.
// usage: tsx bench/head-step-ops.ts [--rows 20000] [--rounds 5]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadConfig } from '../core/config';
import { pipelineSettings } from '../core/pipeline/settings';
import { buildClickModel, wakeDeepPart } from '../core/model/architecture';
import { FlatAdamOptimizer } from '../core/model/flat-adam';
import { forwardLogits, layersLogits, sliceDataset } from '../core/model/forward';
import { batchLogLoss, l2Penalty } from '../core/model/step-loss';
import { trainableVariables } from '../core/model/train-loop';
import { initTensorFlow } from '../core/tf/backend';
import { generateTwinData } from './keras/twin-data';
import { loadAverages, median } from './report-numbers';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } } });
await initTensorFlow('native');
const options = pipelineSettings(loadConfig(), 'bench').training;
const { dataset, transform } = generateTwinData('2026-10', Number(values.rows), 2000);
const batches = Array.from({ length: Math.floor(dataset.rows / options.batchSize) }, (_, i) =>
  sliceDataset(dataset, i * options.batchSize, (i + 1) * options.batchSize),
);

type Path = 'layers' | 'hand-written';
const paths: Path[] = ['layers', 'hand-written'];
const models = Object.fromEntries(
  paths.map((path) => {
    const model = buildClickModel(transform, 0.05, options.shape, options.seed);
    wakeDeepPart(model, options.seed);
    return [path, { model, optimizer: new FlatAdamOptimizer(options.learningRate) }];
  }),
) as Record<Path, { model: ReturnType<typeof buildClickModel>; optimizer: FlatAdamOptimizer }>;

function step(path: Path, batch: (typeof batches)[number]): void {
  const { model, optimizer } = models[path];
  const variables = trainableVariables(model);
  const penalties = [{ tables: variables.filter((v) => v.name.includes('emb_')), l2: options.embeddingL2 }];
  const loss = tf.tidy(() =>
    optimizer.minimize(
      () => {
        const labels = tf.tensor1d(batch.label);
        if (path === 'hand-written') return tf.add(batchLogLoss(forwardLogits(model, transform, batch, undefined, true), labels), l2Penalty(penalties)!);
        const data = tf.losses.sigmoidCrossEntropy(labels, layersLogits(model, transform, batch, undefined, true)) as tf.Scalar;
        return data.add(tf.addN(penalties[0]!.tables.map((v) => v.square().sum())).mul(options.embeddingL2)) as tf.Scalar;
      },
      true,
      variables,
    )!,
  );
  loss.dataSync();
  loss.dispose();
}

function serve(path: Path, batch: (typeof batches)[number]): void {
  const forward = path === 'layers' ? layersLogits : forwardLogits;
  const logits = tf.tidy(() => forward(models[path].model, transform, batch, undefined, false));
  logits.dataSync();
  logits.dispose();
}

/** TensorFlow ops (native executeOp calls) and tfjs kernels one call runs. */
function count(run: () => void): { ops: number; kernels: number } {
  // The addon's binding is frozen: the backend calls a counting object that inherits the rest from it.
  const backend = tf.backend() as unknown as { binding: Record<string, unknown> & { executeOp: (...args: unknown[]) => unknown } };
  const binding = backend.binding;
  let ops = 0;
  const executeOp = (...args: unknown[]) => {
    ops++;
    return binding.executeOp(...args);
  };
  backend.binding = Object.create(binding, { executeOp: { value: executeOp } }) as typeof binding;
  // tf.profile cannot run the sharing kernels (they return no list): count runKernel calls instead.
  const engine = tf.engine() as unknown as { runKernel: (...args: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let kernels = 0;
  engine.runKernel = function (...args: unknown[]) {
    kernels++;
    return runKernel.apply(this, args);
  };
  try {
    run();
    return { ops, kernels };
  } finally {
    backend.binding = binding;
    engine.runKernel = runKernel;
  }
}

for (const path of paths) step(path, batches[0]!); // warm-up: kernels, Adam's moments
for (const path of paths) {
  const training = count(() => step(path, batches[1]!));
  const serving = count(() => serve(path, batches[1]!));
  console.log(
    `${path}: a training step ${training.ops} TensorFlow ops (${training.kernels} tfjs kernels), ` +
      `a serving forward pass ${serving.ops} ops (${serving.kernels} kernels)`,
  );
}

const ratios: number[] = [];
for (let round = 1; round <= Number(values.rounds); round++) {
  const rate: Record<string, number> = {};
  for (const path of paths) {
    const started = performance.now();
    for (const batch of batches) step(path, batch);
    rate[path] = (batches.length * options.batchSize) / ((performance.now() - started) / 1000);
  }
  ratios.push(rate['hand-written']! / rate.layers!);
  console.log(
    `round ${round}: layers ${rate.layers!.toFixed(0)} ex/s, hand-written ${rate['hand-written']!.toFixed(0)} ex/s, ` +
      `ratio ${ratios.at(-1)!.toFixed(2)}, load average ${loadAverages()}`,
  );
}
console.log(`median hand-written ÷ layers: ${median(ratios).toFixed(2)}`);
