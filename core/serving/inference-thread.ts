// One model version's forward passes and image tower in a worker thread of their own, so the API's event
// loop goes on reading, validating and answering requests while TensorFlow runs (a forward pass is
// milliseconds of CPU, as much as a batch's HTTP work). The thread gets the model's files, builds and
// checks the model, then answers calls in order; an error in a call fails that call only, and a thread
// that stops fails the calls it held and is replaced by a new one built from the same files.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncodedDataset } from '../features/dataset';
import { IMAGE_EMBEDDING } from '../model/architecture';
import { log } from '../log';
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
  private worker!: Worker;
  private ready!: Promise<void>;
  private closed?: Error;

  private constructor(private readonly data: InferenceThreadData) {
    this.spawn();
  }

  /** Resolves once the thread has built the model and predicted a default row with it. */
  static async start(files: ClickModelFiles, version: number): Promise<InferenceThread> {
    const thread = new InferenceThread({ files, backend: CHOICES[loadedBackend() ?? 'tensorflow-cpu'] ?? 'auto', version });
    try {
      await thread.ready;
    } catch (error) {
      throw new Error(`v${version} could not be loaded for serving: ${(error as Error).message}`);
    }
    return thread;
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
    this.closed = new Error(`v${this.data.version} no longer serves; its thread is stopped`);
    this.failPending(this.closed);
    await this.worker.terminate();
  }

  private spawn(): void {
    const worker = new Worker(BOOT, { eval: true, workerData: this.data });
    let loaded = false;
    let failure: Error | undefined;
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', (code) => reject(failure ?? new Error(`its thread stopped (exit code ${code})`)));
    });
    this.ready.then(() => (loaded = true)).catch(() => undefined);
    worker.on('message', (reply: InferenceReply | 'ready') => reply !== 'ready' && this.settle(reply));
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => this.exited(worker, loaded, failure?.message ?? `exit code ${code}`));
  }

  // A thread that stops on its own fails the calls it holds and is replaced, unless it never loaded the
  // model (a new one would fail the same way).
  private exited(worker: Worker, loaded: boolean, cause: string): void {
    if (worker !== this.worker || this.closed) return;
    const error = new Error(`the inference thread of v${this.data.version} stopped (${cause})`);
    this.failPending(error);
    if (!loaded) {
      this.closed = error;
      return;
    }
    log.error('inference thread stopped; starting another', { event: 'inference-thread-restarted', version: this.data.version, cause });
    this.spawn();
  }

  private async call(call: InferenceCall): Promise<Float32Array> {
    // A replaced thread first loads the model again.
    await this.ready;
    if (this.closed) throw this.closed;
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

  private failPending(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
