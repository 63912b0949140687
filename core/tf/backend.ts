// Loads TensorFlow.js with the fastest backend this machine has: the GPU addon, the native CPU addon,
// then pure JavaScript (with a loud warning: it is hundreds of times slower for conv nets).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { log } from '../log';
import { probeNvidiaGpu } from './gpu-probe';
import { registerSharingKernels } from './sharing-kernels';
import { registerNativeGatherKernel } from './gather-kernel';
import { registerNativeStepKernel } from './step-kernel';
import { registerNativeReluGradient } from './relu-gradient';

export type BackendChoice = 'auto' | 'gpu' | 'native' | 'js';
export type LoadedBackend = 'tensorflow-gpu' | 'tensorflow-cpu' | 'js-cpu';

const require = createRequire(import.meta.url);
const candidates: { name: LoadedBackend; choice: BackendChoice; load: () => void }[] = [
  { name: 'tensorflow-gpu', choice: 'gpu', load: () => requireAddon('@tensorflow/tfjs-node-gpu') },
  { name: 'tensorflow-cpu', choice: 'native', load: () => requireAddon('@tensorflow/tfjs-node') },
];

// Requiring a package whose addon was never built registers its kernels before failing, which
// would shadow the next candidate's: check for the built addon first.
function requireAddon(name: string): void {
  const packageDir = path.dirname(require.resolve(`${name}/package.json`));
  if (!existsSync(path.join(packageDir, 'lib'))) throw new Error(`${name} is installed but its native addon was not built`);
  require(name);
}

let loaded: LoadedBackend | undefined;

/** oneDnn: whether TensorFlow's CPU build uses its oneDNN kernels; intraOpThreads: threads for one op's work
 *  (TF_NUM_INTRAOP_THREADS; 0 or undefined leaves the environment's value or TensorFlow's default, one per core).
 *  Both are read once, when the native library loads (oneDnn undefined: TensorFlow's own default, on). */
export async function initTensorFlow(choice: BackendChoice = 'auto', options: { oneDnn?: boolean; intraOpThreads?: number } = {}): Promise<LoadedBackend> {
  if (loaded) return loaded;
  // TensorFlow reads these from the environment as the library loads; nothing later can change them.
  if (options.oneDnn !== undefined) process.env.TF_ENABLE_ONEDNN_OPTS = options.oneDnn ? '1' : '0';
  if (options.intraOpThreads) process.env.TF_NUM_INTRAOP_THREADS = String(options.intraOpThreads);
  const failures: string[] = [];
  const gpu = choice === 'gpu' || choice === 'auto' ? probeNvidiaGpu() : undefined;
  if (choice === 'gpu' && !gpu?.usable)
    throw new Error(`TF_BACKEND=gpu but this machine has no usable GPU: ${gpu && !gpu.usable ? gpu.cause : ''}; set TF_BACKEND=native to train on the CPU`);
  for (const candidate of candidates) {
    if (choice !== 'auto' && choice !== candidate.choice) continue;
    // Without a usable GPU the GPU addon would still load, and run on the CPU under the GPU's name.
    if (candidate.choice === 'gpu' && !gpu?.usable) {
      failures.push(`${candidate.name}: ${gpu && !gpu.usable ? gpu.cause : 'not probed'}`);
      continue;
    }
    try {
      candidate.load();
      await tf.setBackend('tensorflow');
      registerNativeStepKernel();
      registerNativeReluGradient();
      // On a GPU TensorFlow does not check gather indices (a bad one reads zeros): keep tfjs-node's check there.
      if (candidate.name === 'tensorflow-cpu') registerNativeGatherKernel();
      registerSharingKernels();
      loaded = candidate.name;
      break;
    } catch (error) {
      failures.push(`${candidate.name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (!loaded && (choice === 'auto' || choice === 'js')) {
    if (choice === 'auto') log.warn('NO NATIVE TENSORFLOW: falling back to the pure-JS backend, which is far slower', { failures });
    await tf.setBackend('cpu');
    loaded = 'js-cpu';
  }
  if (!loaded) throw new Error(`TF_BACKEND=${choice} could not be loaded: ${failures.join('; ')}`);
  log.info('tensorflow backend', {
    backend: loaded,
    tfjs: tf.version.tfjs,
    ...(loaded !== 'js-cpu' ? { intraOpThreads: process.env.TF_NUM_INTRAOP_THREADS ?? 'one per core' } : {}),
    ...(loaded === 'tensorflow-gpu' && gpu?.usable ? { gpu: gpu.devices, driver: gpu.driver } : {}),
  });
  return loaded;
}

/** Whether TensorFlow loaded with its oneDNN kernels (TF_ENABLE_ONEDNN_OPTS, read once at load; on unless 0 or false,
 *  as TensorFlow reads it). Kernels this project names itself are oneDNN's: off, they give way (checked-once.ts). */
export function oneDnnEnabled(): boolean {
  return !['0', 'false'].includes((process.env.TF_ENABLE_ONEDNN_OPTS ?? '').trim().toLowerCase());
}

/** The backend initTensorFlow chose, for health checks and lineage. */
export function loadedBackend(): LoadedBackend | undefined {
  return loaded;
}
