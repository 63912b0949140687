// One loaded model version (the champion, or the version a batch scores with): the spec and fitted
// transform it was trained with, its image-embedding cache, its batcher (every batch is scored by this one
// model), its inference thread (which holds the tensors and runs the forward passes), and a count of the
// requests using it, so a hot swap stops its thread only once they have finished.
import { DatasetBuilder } from '../features/dataset';
import type { Example } from '../features/example';
import { parseRow } from '../features/parse-row';
import { imageColumn, parseFeatureSpec, type FeatureSpec } from '../features/spec';
import { Encoder } from '../features/transform';
import { readClickModelFiles, type ClickModelFiles } from '../model/model-files';
import type { ModelRegistry } from '../registry/model-registry';
import type { BlobStore } from '../storage/blob-store';
import { InvalidInstancesError, type InstanceProblem } from './errors';
import { InferenceThread } from './inference-thread';
import { InstanceWarnings } from './instance-warnings';
import { PredictBatcher, type BatchingOptions, type BatchObserver, type EncodedRequest } from './predict-batcher';
import { IMAGE_KEY_PREFIX, ServingImages, type ImageCacheCounts } from './serving-images';

export type Instance = Record<string, string | number | null>;

export interface Prediction {
  clickProbability: number;
  /** What was ignored or missing for this instance; absent when nothing was. */
  warnings?: string[];
}

export interface ServingOptions {
  /** Image embeddings kept per loaded model. */
  imageCacheSize: number;
  /** How long a request waits for an uncached image. */
  imageDeadlineMs: number;
  imageCounts?: ImageCacheCounts;
  batching: BatchingOptions;
  observeBatch?: BatchObserver;
}

type ParsedRow = { example: Example; warnings: string[] };
type ParsedInstance = ParsedRow | InstanceProblem;

export class ServingModel {
  readonly loadedAt = new Date();
  private readonly encoder: Encoder;
  private readonly knownColumns: Set<string>;
  private readonly warnings: InstanceWarnings;
  private readonly images?: ServingImages;
  private readonly batcher: PredictBatcher;
  private users = 0;
  private retired = false;
  private disposed = false;

  private constructor(
    readonly version: number,
    readonly spec: FeatureSpec,
    private readonly files: ClickModelFiles,
    private readonly thread: InferenceThread,
    store: BlobStore,
    options: ServingOptions,
  ) {
    this.encoder = new Encoder(files.transform);
    this.knownColumns = new Set(spec.columns.map((column) => column.name));
    this.warnings = new InstanceWarnings(files.transform);
    const { image } = files.transform;
    if (image && files.imageTower)
      this.images = new ServingImages(store, (pixels) => this.embed(pixels), {
        size: image.size,
        capacity: options.imageCacheSize,
        deadlineMs: options.imageDeadlineMs,
        counts: options.imageCounts,
      });
    // Without an image tower the thread is never sent embeddings.
    this.batcher = new PredictBatcher((data, embeddings) => thread.score(data, embeddings), options.batching, options.observeBatch);
  }

  /** Loads every file of the version into its thread, which runs one prediction: a model that cannot serve is never swapped in. */
  static async load(store: BlobStore, registry: ModelRegistry, version: number, options: ServingOptions): Promise<ServingModel> {
    const files = await readClickModelFiles(store, (name) => registry.fileKey(version, name));
    const spec = parseFeatureSpec(files.spec);
    const thread = await InferenceThread.start(files, version);
    return new ServingModel(version, spec, files, thread, store, options);
  }

  acquire(): void {
    this.users += 1;
  }

  release(): void {
    this.users -= 1;
    this.disposeIfIdle();
  }

  /** No new requests will use this model; its tensors go when the last running one finishes. */
  retire(): void {
    this.retired = true;
    this.disposeIfIdle();
  }

  /** Call between acquire() and release(). Refuses the whole request if any instance is invalid, before it
   *  joins a batch: one bad request never holds up or fails the others. */
  async predict(instances: Instance[]): Promise<Prediction[]> {
    this.batcher.arrive();
    let request: { rows: ParsedRow[]; encoded: EncodedRequest };
    try {
      request = await this.prepare(instances);
    } catch (error) {
      this.batcher.leave();
      throw error;
    }
    const { rows, encoded } = request;
    const probabilities = await this.batcher.submit(encoded);
    return rows.map((row, i) => ({ clickProbability: probabilities[i]!, ...(row.warnings.length > 0 ? { warnings: row.warnings } : {}) }));
  }

  /** Examples already valid under this model's spec (batch scoring reads them from CSV), through the same
   *  batcher: each one's probability, with a warning when its image could not be had and it was scored without it. */
  async scoreExamples(examples: Example[]): Promise<Prediction[]> {
    this.batcher.arrive();
    let rows: ParsedRow[];
    let encoded: EncodedRequest;
    try {
      rows = examples.map((example) => ({ example, warnings: [] }));
      encoded = await this.encode(rows);
    } catch (error) {
      this.batcher.leave();
      throw error;
    }
    const probabilities = await this.batcher.submit(encoded);
    return rows.map((row, i) => ({ clickProbability: probabilities[i]!, ...(row.warnings.length > 0 ? { warnings: row.warnings } : {}) }));
  }

  // Validated, images looked up, encoded: what joins a batch.
  private async prepare(instances: Instance[]): Promise<{ rows: ParsedRow[]; encoded: EncodedRequest }> {
    const parsed = instances.map((instance, index) => this.parse(instance, index));
    const problems = parsed.filter((p): p is InstanceProblem => 'reason' in p);
    if (problems.length > 0) throw new InvalidInstancesError(problems);
    const rows = parsed as ParsedRow[];
    return { rows, encoded: await this.encode(rows) };
  }

  // Images looked up (a failed one adds its warning to the row) and rows encoded against the cached embeddings.
  private async encode(rows: ParsedRow[]): Promise<EncodedRequest> {
    const embeddings: Float32Array[] = [];
    const embeddingOf = new Map<string, number>();
    const imageName = this.files.transform.image?.name;
    if (this.images && imageName) {
      const keys = rows.map((row) => row.example.f[imageName]);
      const found = await this.images.lookup(keys.filter((key): key is string => typeof key === 'string'));
      for (const [key, result] of found) if (result.ok) embeddingOf.set(key, embeddings.push(result.embedding) - 1);
      rows.forEach((row, i) => {
        const key = keys[i];
        const result = typeof key === 'string' ? found.get(key) : undefined;
        if (result && !result.ok) row.warnings.push(`${result.problem}; predicted without the image`);
      });
    }
    const builder = new DatasetBuilder(this.encoder.widths, rows.length);
    for (const row of rows)
      builder.push(
        this.encoder.encode(row.example, (key) => embeddingOf.get(key) ?? -1),
        0,
      );
    // Made for exactly these rows and dropped here: its arrays need no copy (a batch merges them into its own).
    return { data: builder.view(), embeddings };
  }

  // The tower over images decoded for the cache, all in one call.
  private embed(images: Uint8Array[]): Promise<Float32Array[]> {
    if (this.disposed) return Promise.reject(new Error(`v${this.version} no longer serves; its image tower is freed`));
    return this.thread.embed(images);
  }

  // The same row validation as ingest, against the spec this model was trained with.
  private parse(instance: Instance, index: number): ParsedInstance {
    // Instances name an image by its bucket key (e.g. raw/2026-10/images/ad-00017.png), not relative to a month.
    const result = parseRow(this.spec, instance, { requireLabel: false, resolveImage: (key) => key, defaultTimestamp: Date.now() });
    if (!result.ok) return { index, reason: result.reason };
    const image = imageColumn(this.spec);
    const key = image && result.example.f[image.name];
    if (typeof key === 'string' && !key.startsWith(IMAGE_KEY_PREFIX)) {
      return { index, reason: `${image!.name} must be a bucket key under ${IMAGE_KEY_PREFIX}: ${JSON.stringify(key)}` };
    }
    const unknown = Object.keys(instance).filter((name) => !this.knownColumns.has(name));
    const ignored = unknown.length > 0 ? [`ignored unknown fields: ${unknown.join(', ')}`] : [];
    return { example: result.example, warnings: [...ignored, ...this.warnings.of(result.example)] };
  }

  private disposeIfIdle(): void {
    if (!this.retired || this.users > 0 || this.disposed) return;
    this.disposed = true;
    void this.thread.close();
  }
}
