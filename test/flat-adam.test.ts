// FlatAdamOptimizer against tf.train.adam on the real TensorFlow backend: the same weights and moments
// to the last bit, checkpoints that move between the two, and variables without a gradient left alone.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { FlatAdamOptimizer } from '../core/model/flat-adam';

let runs = 0;
/** Variables of different shapes and a loss that needs all of them (unless one is left out); some shapes
 *  agree past their first axis, so the flat vector groups them out of the variables' order. */
function problem() {
  const run = runs++;
  const shapes = [[5, 3], [3], [7, 1], [1], [4, 3], [2, 1]];
  const variables = shapes.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `flat_adam_${run}_${i}`));
  const x = tf.randomNormal([4, 5], 0, 1, 'float32', 99);
  const loss = (skip?: number) => () =>
    tf.tidy(() => {
      const [w, b, table, bias, scale, pair] = variables.map((v, i) => (i === skip ? tf.zeros(v.shape) : v));
      const hidden = tf.relu(tf.matMul(x, w!).add(b!)).mul(scale!);
      const tables = table!
        .square()
        .sum()
        .mul(0.1)
        .add(pair!.mul(tf.tensor2d([[1], [-2]])).sum());
      return hidden.sum().add(tables).add(bias!.sum()).square() as tf.Scalar;
    });
  return { variables, loss };
}

const values = (tensors: tf.Tensor[]) => tensors.map((t) => Array.from(t.dataSync()));
const moments = async (optimizer: tf.Optimizer) => values((await optimizer.getWeights()).map((w) => w.tensor));

it('takes the same steps as tf.train.adam, bit for bit', async () => {
  const ours = problem();
  const theirs = problem();
  const flat = new FlatAdamOptimizer(0.01);
  const adam = tf.train.adam(0.01);
  for (let step = 0; step < 25; step++) {
    flat.minimize(ours.loss(), false, ours.variables);
    adam.minimize(theirs.loss(), false, theirs.variables);
  }
  expect(values(ours.variables)).toEqual(values(theirs.variables));
  expect(values(ours.variables)).not.toEqual(values(problem().variables));
  expect(await moments(flat)).toEqual(await moments(adam));
  expect(flat.iterations).toBe(25);
});

it("restores tf.train.adam's checkpoints as tf.train.adam does, and writes ones it restores", async () => {
  const trained = problem();
  const adam = tf.train.adam(0.01);
  for (let step = 0; step < 5; step++) adam.minimize(trained.loss(), false, trained.variables);
  // Each restores the same checkpoint into a copy of the same weights, then trains on.
  const resume = async (optimizer: tf.Optimizer, checkpoint: { name: string; tensor: tf.Tensor }[]) => {
    const copy = problem();
    copy.variables.forEach((v, i) => v.assign(trained.variables[i]!));
    await optimizer.setWeights(checkpoint.map(({ name, tensor }) => ({ name, tensor: tensor.clone() })));
    for (let step = 0; step < 5; step++) optimizer.minimize(copy.loss(), false, copy.variables);
    return values(copy.variables);
  };
  const checkpoint = await adam.getWeights();
  const flat = new FlatAdamOptimizer(0.01);
  expect(await resume(flat, checkpoint)).toEqual(await resume(tf.train.adam(0.01), checkpoint));
  const written = await flat.getWeights();
  expect(written.map((w) => w.tensor.shape)).toEqual(checkpoint.map((w) => w.tensor.shape));
  expect(await resume(new FlatAdamOptimizer(0.01), written)).toEqual(await resume(tf.train.adam(0.01), written));
});

it('leaves a variable without a gradient, and its moments, as they were', async () => {
  const { variables, loss } = problem();
  const flat = new FlatAdamOptimizer(0.01);
  for (let step = 0; step < 3; step++) flat.minimize(loss(), false, variables);
  const before = values(variables);
  const momentsBefore = await moments(flat);
  flat.minimize(loss(2), false, variables);
  const after = values(variables);
  const momentsAfter = await moments(flat);
  expect(after[2]).toEqual(before[2]);
  // Iterations first, then 6 m's and 6 v's.
  expect([momentsAfter[3], momentsAfter[9]]).toEqual([momentsBefore[3], momentsBefore[9]]);
  expect(after[0]).not.toEqual(before[0]);
  expect(() => flat.minimize(loss(), false, [...variables, tf.variable(tf.zeros([2]), true, `flat_adam_late_${runs}`)])).toThrow(/joined this optimizer/);
});
