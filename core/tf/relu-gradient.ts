// tfjs' ReLU gradient is dy × step(x): Step (itself Sign then Relu here) and a Multiply, three passes
// over every conv activation of the image tower; TensorFlow's own ReluGrad is one. Where x is NaN it
// gives 0 where tfjs gave NaN: the forward pass is NaN there already, and so is the loss.
import * as tf from '@tensorflow/tfjs';
import { nodeBackend } from './node-backend';

const KERNEL = 'AdclickReluGrad';

/** Only with the native backend loaded: the gradient's kernel exists only there. */
export function registerNativeReluGradient(): void {
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      const node = nodeBackend(backend);
      return node.executeSingleOutput('ReluGrad', [{ name: 'T', type: node.binding.TF_ATTR_TYPE, value: node.binding.TF_FLOAT }], [dy, x]);
    },
  });
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      // A float32 x (what the layers give) takes the one op; anything else keeps tfjs' formula.
      if (x!.dtype !== 'float32' || (dy as tf.Tensor).dtype !== 'float32') return { x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.step(x!), 'float32')) };
      return { x: () => reluGradient(dy as tf.Tensor, x!) };
    },
  });
}

/** ReLU's gradient at x (or at ReLU's output, which is positive exactly where x is), as one op; native backend only. */
export function reluGradient(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(KERNEL, { dy, x }, {}) as tf.Tensor;
}
