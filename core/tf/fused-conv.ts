// Convolution, bias and ReLU as one oneDNN convolution with its bias and ReLU fused in, the op a
// TensorFlow graph runs for such a layer (Grappler fuses them, then the oneDNN pass renames the op); tfjs
// runs three ops, two of them passes over the whole activation. Eager TensorFlow gives _FusedConv2D to
// Eigen (2–4× slower here than the three ops), so this names the oneDNN kernel itself, by the label
// TensorFlow registers it under. Its attributes include lists of strings and types, which tfjs-node's
// binding sets only once scripts/lib/patch-tfjs-binding.mjs has patched it: a probe at first use decides.
import * as tf from '@tensorflow/tfjs';
import { checkedOnce } from './checked-once';
import { nodeBackend, oneDnnKernelAttr } from './node-backend';

/** relu(conv2d(x, kernel, 1, 'same') + bias) in one op (see fusedConvAvailable). */
export function fusedConv2dRelu(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  const node = nodeBackend();
  const { binding } = node;
  const attrs = [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'TArgs', type: binding.TF_ATTR_TYPE, value: [binding.TF_FLOAT] },
    { name: 'num_args', type: binding.TF_ATTR_INT, value: 1 },
    { name: 'strides', type: binding.TF_ATTR_INT, value: [1, 1, 1, 1] },
    { name: 'padding', type: binding.TF_ATTR_STRING, value: 'SAME' },
    { name: 'fused_ops', type: binding.TF_ATTR_STRING, value: ['BiasAdd', 'Relu'] },
    oneDnnKernelAttr(node),
  ];
  return node.executeSingleOutput('_MklNativeFusedConv2D', attrs, [x, kernel, bias]) as tf.Tensor4D;
}

/** Whether the binding sets list attributes here and the fused op agrees with the three ops on a small case. */
export const fusedConvAvailable = checkedOnce(() => {
  const x = tf.tensor4d(
    Array.from({ length: 2 * 5 * 6 * 3 }, (_, i) => ((i * 7) % 11) / 5 - 1),
    [2, 5, 6, 3],
  );
  const kernel = tf.tensor4d(
    Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => ((i * 5) % 13) / 6 - 1),
    [3, 3, 3, 4],
  );
  const bias = tf.tensor1d([-0.5, 0, 0.25, 1]);
  const expected = tf.relu(tf.add(tf.conv2d(x, kernel, 1, 'same'), bias));
  return tf.max(tf.abs(tf.sub(fusedConv2dRelu(x, kernel, bias), expected))).dataSync()[0]! < 1e-5;
});
