// The native TensorFlow backend is the one loaded, and it trains.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { loadConfig } from '../core/config';
import { loadedBackend } from '../core/tf/backend';

it('loads native TensorFlow unless TF_BACKEND says otherwise', () => {
  const forced = loadConfig().TF_BACKEND;
  console.log(`[test stack] TensorFlow.js backend: ${loadedBackend()} (tf.getBackend() = ${tf.getBackend()})`);
  if (forced === 'auto' || forced === 'native') expect(loadedBackend()).toBe('tensorflow-cpu');
  expect(tf.getBackend()).toBe(forced === 'js' ? 'cpu' : 'tensorflow');
});

it('trains a tiny model until it separates two classes', async () => {
  const xs = tf.tensor2d([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
    [0.1, 0.2],
    [0.9, 0.8],
  ]);
  const ys = tf.tensor2d([[0], [0], [0], [1], [0], [1]]);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
  model.compile({ optimizer: tf.train.adam(0.1), loss: 'binaryCrossentropy' });
  const history = await model.fit(xs, ys, { epochs: 200, verbose: 0 });
  const losses = history.history.loss as number[];
  expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
  const predictions = (
    model.predict(
      tf.tensor2d([
        [1, 1],
        [0, 0],
      ]),
    ) as tf.Tensor
  ).dataSync();
  expect(predictions[0]!).toBeGreaterThan(0.5);
  expect(predictions[1]!).toBeLessThan(0.5);
});

it('computes Step natively (1 above zero, alpha at and below, NaN for NaN) and the ReLU gradient (dy above zero, else 0)', () => {
  const values = [Number.NaN, -3, -1e-30, -0, 0, 1e-30, 2.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const expected = (alpha: number) => values.map((x) => (Number.isNaN(x) ? Number.NaN : x > 0 ? 1 : Math.fround(alpha)));
  const x = tf.tensor1d(values);
  for (const alpha of [0, 0.2]) expect(Array.from(tf.step(x, alpha).dataSync())).toEqual(expected(alpha));
  // The gradient of ReLU is TensorFlow's ReluGrad (core/tf/relu-gradient.ts): dy where x > 0, else 0 — NaN too, as in TensorFlow and Keras.
  const gradient = tf.grad((input: tf.Tensor) =>
    tf
      .relu(input)
      .mul(tf.tensor1d(values.map((_, i) => i + 1)))
      .sum(),
  )(x);
  expect(Array.from(gradient.dataSync())).toEqual(values.map((v, i) => (v > 0 ? i + 1 : 0)));
  expect(tf.getKernel('Step', tf.getBackend())).toBeDefined();
});

it('gathers natively, with gradients, and names an index out of range', () => {
  const table = tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const indices = tf.tensor1d([2, 0, 2], 'int32');
  expect(tf.gather(table, indices).arraySync()).toEqual([
    [5, 6],
    [1, 2],
    [5, 6],
  ]);
  // Rows picked twice get twice the gradient; rows never picked get none.
  expect(
    tf
      .grad((t: tf.Tensor) => tf.gather(t, indices).sum())(table)
      .arraySync(),
  ).toEqual([
    [1, 1],
    [0, 0],
    [2, 2],
  ]);
  expect(() => tf.gather(table, tf.tensor1d([1, 3], 'int32'))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
  expect(() => tf.gather(table, tf.tensor1d([-1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 2]');
});

it('casts, reshapes and transposes to what a tensor already is without copying, and otherwise as before', () => {
  const x = tf.tensor1d([1.5, -2, 0]);
  const same = tf.cast(x, 'float32');
  x.dispose();
  // The cast still holds the data after its input is gone.
  expect(Array.from(same.dataSync())).toEqual([1.5, -2, 0]);
  expect(Array.from(tf.cast(same, 'int32').dataSync())).toEqual([1, -2, 0]);
  expect(Array.from(tf.cast(same, 'bool').dataSync())).toEqual([1, 1, 0]);
  expect(
    tf
      .grad((t: tf.Tensor) => t.square().sum())(tf.tensor1d([3, -1]))
      .arraySync(),
  ).toEqual([6, -2]);
});
