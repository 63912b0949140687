// Puts a kernel of our own in place of tfjs-node's for one op (the 'tensorflow' backend), keeping the
// original at hand for the cases ours leaves to it. Does nothing where the backend has no such kernel.
import * as tf from '@tensorflow/tfjs';

export function replaceNativeKernel(kernelName: string, replacement: (original: tf.KernelConfig) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'tensorflow');
  if (!original) return;
  tf.unregisterKernel(kernelName, 'tensorflow');
  tf.registerKernel({ kernelName, backendName: 'tensorflow', kernelFunc: replacement(original) });
}
