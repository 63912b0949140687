// tfjs-node's GatherV2 kernel (every embedding lookup) copies the indices out of TensorFlow and checks
// each one in a JS loop before gathering: ~4× the gather itself. TensorFlow on the CPU checks them anyway
// (backend.ts registers this kernel only there); it gathers directly and only on failure reads the
// indices, to name the bad one as tfjs-node did.
import * as tf from '@tensorflow/tfjs';
import { nodeBackend } from './node-backend';
import { replaceNativeKernel } from './replace-kernel';

export function registerNativeGatherKernel(): void {
  replaceNativeKernel('GatherV2', (existing) => ({ inputs, attrs, backend }) => {
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    const node = nodeBackend(backend);
    // Tables of other types (bool, complex, strings) keep tfjs-node's kernel.
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return existing.kernelFunc({ inputs, attrs, backend });
    const axisTensor = tf.scalar(axis, 'int32');
    const { binding } = node;
    const type = (name: string, dtype: tf.DataType) => ({ name, type: binding.TF_ATTR_TYPE, value: dtype === 'int32' ? binding.TF_INT32 : binding.TF_FLOAT });
    const opAttrs = [
      { name: 'batch_dims', type: binding.TF_ATTR_INT, value: batchDims },
      type('Tparams', x.dtype),
      type('Tindices', indices.dtype),
      type('Taxis', 'int32'),
    ];
    try {
      return node.executeSingleOutput('GatherV2', opAttrs, [x, indices, axisTensor]);
    } catch (error) {
      const limit = x.shape[axis]!;
      const bad = Array.from(node.readSync(indices.dataId)).find((index) => index < 0 || index >= limit);
      if (bad === undefined) throw error;
      throw new Error(`GatherV2: the index value ${bad} is not in [0, ${limit - 1}]`);
    } finally {
      axisTensor.dispose();
    }
  });
}
