// Benchmark (not a test): the same training steps on the native TensorFlow backend and on pure
// JavaScript, in one process, and the speed ratio. usage: tsx bench/backend-speed.ts
import * as tf from '@tensorflow/tfjs';
import { initTensorFlow } from '../core/tf/backend';
import { buildImageTower } from '../core/model/architecture';

interface Workload {
  name: string;
  build: () => tf.LayersModel;
  x: () => tf.Tensor;
  y: () => tf.Tensor;
  steps: number;
}

const workloads: Workload[] = [
  {
    name: 'conv image tower (32x32x3, batch 64)',
    build: () => {
      const tower = buildImageTower(32);
      const input = tf.input({ shape: [32, 32, 3] });
      const output = tf.layers.dense({ units: 1 }).apply(tower.apply(input)) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    },
    x: () => tf.randomUniform([64, 32, 32, 3]),
    y: () => tf.randomUniform([64, 1]),
    steps: 10,
  },
  {
    name: 'dense net (256 inputs, 64-32-1, batch 2048)',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [256], units: 64, activation: 'relu' }),
          tf.layers.dense({ units: 32, activation: 'relu' }),
          tf.layers.dense({ units: 1 }),
        ],
      }),
    x: () => tf.randomUniform([2048, 256]),
    y: () => tf.randomUniform([2048, 1]),
    steps: 10,
  },
];

async function stepsPerSecond(workload: Workload): Promise<number> {
  const model = workload.build();
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  const [x, y] = [workload.x(), workload.y()];
  await model.trainOnBatch(x, y); // warm-up: kernels, allocations
  const started = performance.now();
  for (let i = 0; i < workload.steps; i++) await model.trainOnBatch(x, y);
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return workload.steps / seconds;
}

const native = await initTensorFlow('native');
for (const workload of workloads) {
  await tf.setBackend('tensorflow');
  const fast = await stepsPerSecond(workload);
  await tf.setBackend('cpu');
  const slow = await stepsPerSecond(workload);
  console.log(`${workload.name}: ${native} ${fast.toFixed(2)} steps/s, pure JS ${slow.toFixed(3)} steps/s, ratio ${(fast / slow).toFixed(1)}x`);
}
