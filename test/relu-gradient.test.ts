// ReLU's gradient through TensorFlow's own ReluGrad (core/tf/relu-gradient.ts): one op where tfjs ran
// Step and Multiply, with the same values — in a conv layer as the image tower has them, too.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';

// tfjs' own formula, for comparison: dy × step(x).
const stepRelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return { value: tf.relu(x), gradFunc: (dy: tf.Tensor | tf.Tensor[], [saved]: tf.Tensor[]) => tf.mul(dy as tf.Tensor, tf.step(saved!)) };
}) as (x: tf.Tensor) => tf.Tensor;

it('gives dy where x > 0 and 0 elsewhere, zeros and negatives included', () => {
  const x = tf.tensor1d([-2, -0.5, 0, 0, 1e-30, 0.5, 3]);
  const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
  const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.relu(input), dy)))(x);
  expect(Array.from(grad.dataSync())).toEqual([0, 0, 0, 0, 5, 6, 7]);
});

it('runs as one ReluGrad op, not Step and Multiply', async () => {
  const x = tf.randomNormal([64, 8]);
  const profile = await tf.profile(() => tf.grad((input: tf.Tensor) => tf.sum(tf.relu(input)))(x));
  const kernels = profile.kernels.map((k) => k.name);
  expect(kernels).toContain('AdclickReluGrad');
  expect(kernels).not.toContain('Step');
});

it("gives a conv layer's kernel and bias the gradients tfjs' formula gives", () => {
  const images = tf.randomUniform([16, 12, 12, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', 2);
  const bias = tf.randomNormal([8], 0, 0.1, 'float32', 3);
  const target = tf.randomNormal([16, 6, 6, 8], 0, 1, 'float32', 4);
  const loss = (relu: (x: tf.Tensor) => tf.Tensor) => (f: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.maxPool(relu(tf.add(tf.conv2d(images, f as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid') as tf.Tensor, target));
  const ours = tf.grads(loss(tf.relu))([filter, bias]);
  const theirs = tf.grads(loss(stepRelu))([filter, bias]);
  for (const [i, grad] of ours.entries()) {
    expect(tf.max(tf.abs(grad)).dataSync()[0]).toBeGreaterThan(0);
    expect(tf.max(tf.abs(tf.sub(grad, theirs[i]!))).dataSync()[0]).toBeLessThan(1e-6);
  }
});
