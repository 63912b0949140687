// One model version's forward passes and image tower in a worker thread of their own, so the API's event
// loop goes on reading, validating and answering requests while TensorFlow runs (a forward pass is
// milliseconds of CPU, as much as a batch's HTTP work). The thread gets the model's files, builds and
// checks the model, then answers calls in order; an error in a call fails that call only.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncodedDataset } from '../features/dataset';
import { IMAGE_EMBEDDING } from '../model/architecture';
import type { ClickModelFiles } from '../model/model-files';
import { loadedBackend, type BackendChoice } from '../tf/backend';

export interface InferenceThreadData {
  files: ClickModelFiles;
  backend: BackendChoice;
  version: number;
}

export type InferenceCall =
  { id: number; kind: 'score'; data: EncodedDataset; embeddings: Float32Array } | { id: number; kind: 'embed'; pixels: Uint8Array; count: number };

export type InferenceReply = { id: number; values: Float32Array } | { id: number; error: string };

// The thread runs TypeScript as this process does: through tsx, registered in the thread before its entry loads.
const require = createRequire(import.meta.url);
const ENTRY = new URL('./inference-worker.ts', import.meta.url).href;
const TSX = tsxEsmApi();
const BOOT = `import(${JSON.stringify(TSX)}).then(({ register }) => { register(); return import(${JSON.stringify(ENTRY)}); })`;

// The thread loads the backend this process chose (and, through the environment, its oneDNN setting).
const CHOICES = { 'tensorflow-gpu': 'gpu', 'tensorflow-cpu': 'native', 'js-cpu': 'js' } as const;

// tsx's ESM entry, read from its package exports: require.resolve gives the CommonJS one, which cannot
// register ESM hooks, and import.meta.resolve is not there under the test runner.
function tsxEsmApi(): string {
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}

export class InferenceThread {
  private readonly pending = new Map<number, { resolve: (values: Float32Array) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private stopped?: Error;

  private constructor(
    private readonly worker: Worker,
    private readonly version: number,
  ) {
    worker.on('message', (reply: InferenceReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(new Error(`the inference thread of v${version} failed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`the inference thread of v${version} stopped (exit code ${code})`)));
  }

  /** Resolves once the thread has built the model and predicted a default row with it. */
  static start(files: ClickModelFiles, version: number): Promise<InferenceThread> {
    const backend = CHOICES[loadedBackend() ?? 'tensorflow-cpu'] ?? 'auto';
    const worker = new Worker(BOOT, { eval: true, workerData: { files, backend, version } satisfies InferenceThreadData });
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(new Error(`v${version} could not be loaded for serving: ${error.message}`));
      const exited = (code: number) => reject(new Error(`v${version} could not be loaded for serving: its thread stopped (exit code ${code})`));
      worker.once('error', failed);
      worker.once('exit', exited);
      worker.once('message', () => {
        worker.off('error', failed);
        worker.off('exit', exited);
        resolve(new InferenceThread(worker, version));
      });
    });
  }

  /** One forward pass: rows → click probabilities, with the rows' image embeddings packed one after another. */
  score(data: EncodedDataset, embeddings: Float32Array): Promise<Float32Array> {
    return this.call({ id: this.nextId++, kind: 'score', data, embeddings });
  }

  /** The image tower over decoded images (size×size×3 bytes each), all in one call. */
  async embed(images: Uint8Array[]): Promise<Float32Array[]> {
    const bytes = new Uint8Array(images.reduce((sum, pixels) => sum + pixels.length, 0));
    images.reduce((at, pixels) => (bytes.set(pixels, at), at + pixels.length), 0);
    const values = await this.call({ id: this.nextId++, kind: 'embed', pixels: bytes, count: images.length });
    return images.map((_, i) => values.slice(i * IMAGE_EMBEDDING, (i + 1) * IMAGE_EMBEDDING));
  }

  /** Ends the thread, and with it the model's tensors; calls still waiting fail. */
  async close(): Promise<void> {
    this.fail(new Error(`v${this.version} no longer serves; its thread is stopped`));
    await this.worker.terminate();
  }

  private call(call: InferenceCall): Promise<Float32Array> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      this.pending.set(call.id, { resolve, reject });
      this.worker.postMessage(call);
    });
  }

  private settle(reply: InferenceReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply.values);
  }

  private fail(error: Error): void {
    this.stopped ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
