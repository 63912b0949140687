// tfjs runs casts, reshapes and transposes that change nothing: its gradients cast float32 to float32
// (Square, Multiply, Relu…), reshape every Add and Sum gradient to the shape it already has, and
// transpose each gather's gradient by the identity, twice. tfjs-node runs a TensorFlow op for each (a
// copy, for the transposes). These kernels share the input's data instead, as tfjs-node's Identity
// kernel does; casts, reshapes and transposes that change something run as before.
import * as tf from '@tensorflow/tfjs';
import { replaceNativeKernel } from './replace-kernel';

type KernelArgs = Parameters<tf.KernelFunc>[0];

function shareWhen(kernelName: 'Cast' | 'Reshape' | 'Transpose', unchanged: (x: tf.TensorInfo, attrs: KernelArgs['attrs']) => boolean): void {
  replaceNativeKernel(kernelName, (existing) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (!unchanged(x, args.attrs)) return existing.kernelFunc(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

export function registerSharingKernels(): void {
  shareWhen('Cast', (x, attrs) => (attrs as { dtype?: tf.DataType }).dtype === x.dtype);
  shareWhen('Reshape', (x, attrs) => {
    const shape = tf.util.inferFromImplicitShape((attrs as { shape: number[] }).shape, tf.util.sizeFromShape(x.shape));
    return tf.util.arraysEqual(shape, x.shape);
  });
  shareWhen('Transpose', (_, attrs) => (attrs as { perm: number[] }).perm.every((axis, i) => axis === i));
}
