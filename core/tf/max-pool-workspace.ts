// 2×2 max pooling through oneDNN with its workspace (which input won each window), as a TensorFlow graph
// runs it: the forward keeps the workspace and the gradient reads it instead of searching every window
// again. Eager TensorFlow (tfjs-node) runs Eigen's MaxPool and MaxPoolGrad instead, ~3× and ~2× slower on
// the image tower's activations. The ops are TensorFlow's own oneDNN kernels, which it names _MklNative*
// and selects by a kernel label; a probe at first use decides, and anything else keeps tf.maxPool.
import * as tf from '@tensorflow/tfjs';
import { checkedOnce } from './checked-once';
import { nodeBackend, oneDnnKernelAttr, type NodeBackend } from './node-backend';

export interface PooledWithWorkspace {
  output: tf.Tensor4D;
  /** uint8 in TensorFlow (tfjs labels it int32): pass it only to maxPoolGradient, never read it. */
  workspace: tf.Tensor;
}

function attrs(node: NodeBackend): unknown[] {
  const { binding } = node;
  const ints = (name: string, value: number[]) => ({ name, type: binding.TF_ATTR_INT, value });
  return [
    ints('ksize', [1, 2, 2, 1]),
    ints('strides', [1, 2, 2, 1]),
    { name: 'padding', type: binding.TF_ATTR_STRING, value: 'VALID' },
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'workspace_enabled', type: binding.TF_ATTR_BOOL, value: true },
    oneDnnKernelAttr(node),
  ];
}

/** 2×2 max pooling, stride 2, valid padding (tf.maxPool(x, 2, 2, 'valid')), and the workspace its gradient needs. */
export function maxPoolWithWorkspace(x: tf.Tensor4D): PooledWithWorkspace {
  const node = nodeBackend();
  const [output, workspace] = node.executeMultipleOutputs('_MklNativeMaxPool', attrs(node), [x], 2);
  return { output: output as tf.Tensor4D, workspace: workspace! };
}

/** The gradient of maxPoolWithWorkspace at x (output y, workspace from the same call). */
export function maxPoolGradient(x: tf.Tensor4D, y: tf.Tensor4D, dy: tf.Tensor4D, workspace: tf.Tensor): tf.Tensor4D {
  const node = nodeBackend();
  return node.executeSingleOutput('_MklNativeMaxPoolGrad', attrs(node), [x, y, dy, workspace]) as tf.Tensor4D;
}

/** Whether the pair runs here and agrees with tf.maxPool and its gradient on a small case with ties and odd sizes. */
export const maxPoolWorkspaceAvailable = checkedOnce(() => {
  const x = tf.relu(
    tf.tensor4d(
      Array.from({ length: 2 * 5 * 7 * 3 }, (_, i) => ((i * 7) % 11) - 4),
      [2, 5, 7, 3],
    ),
  ) as tf.Tensor4D;
  const dy = tf.tensor4d(
    Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => i + 1),
    [2, 2, 3, 3],
  );
  const { output, workspace } = maxPoolWithWorkspace(x);
  const expected = tf.maxPool(x, 2, 2, 'valid');
  const expectedGrad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), dy)))(x);
  const grad = maxPoolGradient(x, output, dy, workspace);
  return tf.equal(output, expected).all().dataSync()[0] === 1 && tf.equal(grad, expectedGrad).all().dataSync()[0] === 1;
});
