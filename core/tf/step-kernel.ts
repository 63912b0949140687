// tfjs-node's Step kernel (the ReLU gradient) builds a JS array of ones the size of its input on every
// call; this one stays in native ops: 1 where x > 0, alpha elsewhere, NaN where x is NaN.
import * as tf from '@tensorflow/tfjs';
import { replaceNativeKernel } from './replace-kernel';

export function registerNativeStepKernel(): void {
  replaceNativeKernel('Step', () => ({ inputs, attrs }) => {
    const x = inputs.x as tf.Tensor;
    const alpha = (attrs as { alpha?: number }).alpha ?? 0;
    // ReLU's gradient (alpha 0) in two ops: Sign keeps NaN and maps the rest to -1, 0, 1; Relu keeps 1 and NaN.
    if (alpha === 0) return tf.tidy(() => tf.relu(tf.sign(x))) as unknown as tf.TensorInfo;
    return tf.tidy(() => {
      const positive = tf.cast(tf.greater(x, 0), x.dtype);
      const stepped = tf.add(positive, tf.mul(tf.cast(tf.lessEqual(x, 0), x.dtype), alpha));
      return tf.where(tf.isNaN(x), x, stepped);
    }) as unknown as tf.TensorInfo;
  });
}
