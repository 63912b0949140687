// Kernels this project names itself (oneDNN's, by TensorFlow's internal names) are used only where they pass a
// check against tfjs' own ops on a small case: once per process, on the native CPU backend with oneDNN on.
// Anything that throws (a binding built without the list-attribute patch, a TensorFlow without the kernel) is a no.
import * as tf from '@tensorflow/tfjs';
import { loadedBackend, oneDnnEnabled } from './backend';

/** A function answering whether `check` passed, run the first time it is asked (tensors it makes are disposed). */
export function checkedOnce(check: () => boolean): () => boolean {
  let available: boolean | undefined;
  return () => {
    if (available === undefined) available = nativeCpuWithOneDnn() && passes(check);
    return available;
  };
}

// The js backend has no such kernels; on a GPU they would run on the CPU, copying every activation across.
const nativeCpuWithOneDnn = () => tf.getBackend() === 'tensorflow' && loadedBackend() === 'tensorflow-cpu' && oneDnnEnabled();

function passes(check: () => boolean): boolean {
  try {
    return tf.tidy(check);
  } catch {
    return false;
  }
}
