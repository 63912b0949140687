// The image tower written out (core/model/tower-forward.ts) against tfjs' layers on the real TensorFlow
// backend: the same embeddings, the same gradient for every weight, max pooling through oneDNN with its
// workspace (core/tf/max-pool-workspace.ts) instead of tfjs' MaxPool/MaxPoolGrad; towers it does not
// know still run as layers.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildImageTower, seededInitializers } from '../core/model/architecture';
import { towerEmbeddings } from '../core/model/forward';
import { towerLayout } from '../core/model/tower-layout';
import { fusedConv2dRelu, fusedConvAvailable } from '../core/tf/fused-conv';
import { maxPoolGradient, maxPoolWithWorkspace, maxPoolWorkspaceAvailable } from '../core/tf/max-pool-workspace';
import { Random } from '../core/random';

/** `count` random images of size×size×3 bytes, some of them flat (every window a tie). */
function images(count: number, size: number, seed: number): Uint8Array {
  const random = new Random(seed);
  const bytes = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < count; i++) {
    const flat = i % 5 === 0 ? random.int(0, 255) : -1;
    for (let j = 0; j < size * size * 3; j++) bytes[i * size * size * 3 + j] = flat >= 0 ? flat : random.int(0, 255);
  }
  return bytes;
}

const scaled = (bytes: Uint8Array, count: number, size: number) => tf.tensor4d(bytes, [count, size, size, 3], 'int32').toFloat().div(255).sub(0.5);
const maxDifference = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
const largest = (a: tf.Tensor) => tf.max(tf.abs(a)).dataSync()[0]!;

describe('max pooling with a workspace', () => {
  it('is available on the native backend, and pools and back-propagates as tf.maxPool does, ties and odd sizes included', () => {
    expect(maxPoolWorkspaceAvailable()).toBe(true);
    const x = tf.relu(tf.round(tf.randomNormal([6, 9, 7, 5], 0, 1, 'float32', 3))) as tf.Tensor4D;
    const dy = tf.randomNormal([6, 4, 3, 5], 0, 1, 'float32', 4) as tf.Tensor4D;
    const { output, workspace } = maxPoolWithWorkspace(x);
    expect(output.shape).toEqual([6, 4, 3, 5]);
    expect(maxDifference(output, tf.maxPool(x, 2, 2, 'valid'))).toBe(0);
    const expected = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), dy)))(x);
    expect(largest(expected)).toBeGreaterThan(0);
    expect(maxDifference(maxPoolGradient(x, output, dy, workspace), expected)).toBe(0);
  });
});

describe('the fused convolution', () => {
  // Available only where the build patched tfjs-node's binding to set list attributes (scripts/lib/patch-tfjs-binding.mjs).
  it('is available on the native backend, and gives relu(conv2d + bias) for 3, 8 and 16 input channels', () => {
    expect(fusedConvAvailable()).toBe(true);
    for (const [channels, filters] of [
      [3, 8],
      [8, 16],
      [16, 32],
    ] as const) {
      const x = tf.randomNormal([5, 12, 10, channels], 0, 1, 'float32', channels) as tf.Tensor4D;
      const kernel = tf.randomNormal([3, 3, channels, filters], 0, 0.5, 'float32', filters) as tf.Tensor4D;
      const bias = tf.randomNormal([filters], 0, 0.5, 'float32', 1) as tf.Tensor1D;
      const expected = tf.relu(tf.add(tf.conv2d(x, kernel, 1, 'same'), bias));
      // Both signs present: the ReLU is in the fused op.
      expect(tf.min(tf.add(tf.conv2d(x, kernel, 1, 'same'), bias)).dataSync()[0]).toBeLessThan(0);
      expect(maxDifference(fusedConv2dRelu(x, kernel, bias), expected)).toBeLessThan(1e-4);
    }
  });
});

describe('the written-out tower', () => {
  for (const size of [32, 10]) {
    it(`gives tower.apply's embeddings and every weight's gradient (${size}×${size} images)`, () => {
      const tower = buildImageTower(size, seededInitializers(7));
      expect(towerLayout(tower)).toBeDefined();
      const count = 40;
      const bytes = images(count, size, size);
      const reference = tower.apply(scaled(bytes, count, size), { training: true }) as tf.Tensor2D;
      expect(largest(reference)).toBeGreaterThan(0);
      expect(maxDifference(towerEmbeddings(tower, size, bytes, count, true), reference)).toBeLessThan(1e-5);
      expect(maxDifference(towerEmbeddings(tower, size, bytes, count, false), reference)).toBeLessThan(1e-5);

      // A loss that weighs each embedding differently, so every unit's gradient differs.
      const weights = tf.randomNormal([count, reference.shape[1]], 0, 1, 'float32', 5);
      const variables = tower.trainableWeights.map((w) => w.read() as tf.Variable);
      const ours = tf.variableGrads(() => tf.sum(tf.mul(towerEmbeddings(tower, size, bytes, count, true), weights)) as tf.Scalar, variables).grads;
      const theirs = tf.variableGrads(
        () => tf.sum(tf.mul(tower.apply(scaled(bytes, count, size), { training: true }) as tf.Tensor, weights)) as tf.Scalar,
        variables,
      ).grads;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      expect(Object.keys(ours)).toHaveLength(8);
      for (const name of Object.keys(theirs)) {
        const scale = largest(theirs[name]!);
        expect(scale, name).toBeGreaterThan(0);
        expect(maxDifference(ours[name]!, theirs[name]!) / scale, name).toBeLessThan(1e-4);
      }
    });
  }

  it('runs no tfjs Conv2D, MaxPool or MaxPoolGrad, no Conv2DBackpropInput for the image, and ReLU gradients before pools at their size', async () => {
    const size = 16;
    const tower = buildImageTower(size, seededInitializers(3));
    const bytes = images(8, size, 1);
    const variables = tower.trainableWeights.map((w) => w.read() as tf.Variable);
    // The kernels' self-checks (tfjs' Conv2D and MaxPool among them) run before profiling, whatever ran first.
    expect(fusedConvAvailable() && maxPoolWorkspaceAvailable()).toBe(true);
    const profile = await tf.profile(() => tf.variableGrads(() => tf.sum(towerEmbeddings(tower, size, bytes, 8, true)) as tf.Scalar, variables).grads);
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain('Conv2DBackpropFilter');
    expect(kernels).not.toContain('Conv2D');
    expect(kernels).not.toContain('MaxPool');
    expect(kernels).not.toContain('MaxPoolGrad');
    // Three convs: the first needs no gradient for its input (the image), the other two do.
    expect(kernels.filter((name) => name === 'Conv2DBackpropInput')).toHaveLength(2);
    // Dense, then the three convs: the two with a pool after them masked at the pool's size (8×8, 4×4), the last at its own.
    const reluGradients = profile.kernels.filter((k) => k.name === 'AdclickReluGrad').map((k) => k.inputShapes[0]);
    expect(reluGradients).toEqual([
      [8, 16],
      [8, 4, 4, 32],
      [8, 4, 4, 16],
      [8, 8, 8, 8],
    ]);
  });

  it('leaves a tower of another architecture to its layers, with the same answer', () => {
    const size = 8;
    const image = tf.input({ shape: [size, size, 3] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(image) as tf.SymbolicTensor;
    const pooled = tf.layers.averagePooling2d({ poolSize: 2 }).apply(conv) as tf.SymbolicTensor;
    const shapes = tf.layers.globalAveragePooling2d({}).apply(pooled) as tf.SymbolicTensor;
    const colour = tf.layers.globalAveragePooling2d({}).apply(image) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([shapes, colour]) as tf.SymbolicTensor;
    const tower = tf.model({ inputs: image, outputs: tf.layers.dense({ units: 16, activation: 'relu' }).apply(joined) as tf.SymbolicTensor });
    expect(towerLayout(tower)).toBeUndefined();
    const bytes = images(4, size, 2);
    expect(maxDifference(towerEmbeddings(tower, size, bytes, 4, false), tower.apply(scaled(bytes, 4, size)) as tf.Tensor)).toBe(0);
  });
});

// Kernels the project names directly are oneDNN's: a process started without oneDNN keeps tfjs' ops.
it('takes the oneDNN kernels by default and leaves them with TF_ENABLE_ONEDNN_OPTS=0, the embeddings the same either way', async () => {
  const run = async (env: NodeJS.ProcessEnv) => {
    const root = path.resolve(import.meta.dirname, '..');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/processes/tower-kernels.ts'], { cwd: root, env });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { pool: boolean; fused: boolean; difference: number };
  };
  const inherited = { ...process.env };
  delete inherited.TF_ENABLE_ONEDNN_OPTS;
  const on = await run(inherited);
  const off = await run({ ...inherited, TF_ENABLE_ONEDNN_OPTS: '0' });
  expect(on).toMatchObject({ pool: true, fused: true });
  expect(off).toMatchObject({ pool: false, fused: false });
  expect(on.difference).toBeLessThan(1e-5);
  expect(off.difference).toBe(0);
});
