// tfjs-node's backend as the kernels in core/tf call it: a TensorFlow op by name, with attributes typed by
// the binding's enums. Not part of tfjs' public types, so it is declared once here.
import * as tf from '@tensorflow/tfjs';

/** A tensor the binding made and nobody tracks: delete it, or hand it to createOutputTensor. */
export interface TensorMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

export interface NodeBinding extends Record<'TF_ATTR_INT' | 'TF_ATTR_TYPE' | 'TF_ATTR_STRING' | 'TF_ATTR_BOOL' | 'TF_FLOAT' | 'TF_INT32' | 'TF_UINT8', number> {
  createTensor(shape: number[], dtype: number, values: Uint8Array): number;
  executeOp(name: string, attrs: unknown[], inputIds: number[], outputCount: number): TensorMetadata[];
  deleteTensor(id: number): void;
}

export interface NodeBackend {
  binding: NodeBinding;
  // These return tensors the engine already tracks: outside a kernel they need no wrapping (wrapping one again
  // makes a tidy free it twice); a kernel may return them as its TensorInfo.
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: tf.TensorInfo[], count: number): tf.Tensor[];
  readSync(dataId: object): ArrayLike<number>;
  /** A tensor the engine tracks, over a tensor the binding made (which it now owns). */
  createOutputTensor(metadata: TensorMetadata): tf.Tensor;
}

/** The given backend (a kernel's), or the active one, as tfjs-node's. */
export const nodeBackend = (backend: unknown = tf.backend()) => backend as NodeBackend;

/** The attribute that selects TensorFlow's oneDNN kernel of an op (its graph pass sets it when it renames one). */
export const oneDnnKernelAttr = (node: NodeBackend) => ({ name: '_kernel', type: node.binding.TF_ATTR_STRING, value: 'MklNameChangeOp' });
