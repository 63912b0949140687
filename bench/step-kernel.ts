// Benchmark (not a test): training steps of a ReLU network with tfjs-node's own Step kernel (the ReLU
// gradient, which builds a JS array of ones per call) and with core/tf/step-kernel.ts, interleaved in
// one process, and the ratio. usage: tsx bench/step-kernel.ts
import os from 'node:os';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { initTensorFlow } from '../core/tf/backend';
import { registerNativeStepKernel } from '../core/tf/step-kernel';
import { median } from './report-numbers';

await initTensorFlow('native');
const require = createRequire(import.meta.url);
const { stepConfig } = require('@tensorflow/tfjs-node/dist/kernels/Step.js') as { stepConfig: tf.KernelConfig };

const BATCH = 2048;
const STEPS = 30;
// The click model's deep part: fields and their pairwise interactions into two ReLU layers.
const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [400], units: 256, activation: 'relu' }),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
const x = tf.randomNormal([BATCH, 400]);
const y = tf.cast(tf.greater(tf.randomUniform([BATCH, 1]), 0.9), 'float32');

function useKernel(kind: 'tfjs-node' | 'native') {
  tf.unregisterKernel('Step', 'tensorflow');
  if (kind === 'tfjs-node') tf.registerKernel(stepConfig);
  else {
    tf.registerKernel(stepConfig);
    registerNativeStepKernel();
  }
}

async function examplesPerSecond(): Promise<number> {
  const started = performance.now();
  for (let step = 0; step < STEPS; step++) await model.trainOnBatch(x, y);
  return (STEPS * BATCH) / ((performance.now() - started) / 1000);
}

const rates: Record<'tfjs-node' | 'native', number[]> = { 'tfjs-node': [], native: [] };
for (const kind of ['tfjs-node', 'native'] as const) {
  useKernel(kind);
  await examplesPerSecond(); // warm-up
}
for (let round = 0; round < 5; round++) {
  for (const kind of ['tfjs-node', 'native'] as const) {
    useKernel(kind);
    rates[kind].push(await examplesPerSecond());
  }
}
console.log(`load average ${os.loadavg()[0]!.toFixed(1)}; ${STEPS} steps of batch ${BATCH}, 5 interleaved rounds`);
for (const kind of ['tfjs-node', 'native'] as const)
  console.log(`${kind.padEnd(9)} Step: median ${median(rates[kind]).toFixed(0)} ex/s (${rates[kind].map((r) => r.toFixed(0)).join(', ')})`);
console.log(`native ÷ tfjs-node: ${(median(rates.native) / median(rates['tfjs-node'])).toFixed(2)}`);
