// tfjs' gradients cast to float32 what is already float32 (Square, Multiply, Relu…: ~18 casts per
// training step of the click head), and tfjs-node runs a TensorFlow op for each. A cast to the same
// type shares the input's data instead, as tfjs-node's Identity kernel does; other casts run as before.
import * as tf from '@tensorflow/tfjs';

export function registerSameTypeCastKernel(): void {
  const existing = tf.getKernel('Cast', 'tensorflow');
  if (!existing) return;
  tf.unregisterKernel('Cast', 'tensorflow');
  tf.registerKernel({
    kernelName: 'Cast',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      if ((attrs as { dtype?: tf.DataType }).dtype !== x.dtype) return existing.kernelFunc({ inputs, attrs, backend });
      (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
