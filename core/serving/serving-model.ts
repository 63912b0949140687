// One loaded model version (the champion, or the version a batch scores with): its model, the spec and
// fitted transform it was trained with, its image cache, and a count of the requests using it, so a hot
// swap frees its tensors only once they have finished.
import { DatasetBuilder } from '../features/dataset';
import type { Example } from '../features/example';
import { parseRow } from '../features/parse-row';
import { imageColumn, parseFeatureSpec, type FeatureSpec } from '../features/spec';
import { Encoder } from '../features/transform';
import type { PixelSource } from '../model/forward';
import { loadClickModel, type LoadedModel } from '../model/model-files';
import { predictExamples, predictProbabilities } from '../model/predict';
import { disposeClickModel } from '../model/architecture';
import type { ModelRegistry } from '../registry/model-registry';
import type { BlobStore } from '../storage/blob-store';
import { InvalidInstancesError, type InstanceProblem } from './errors';
import { InstanceWarnings } from './instance-warnings';
import { IMAGE_KEY_PREFIX, ServingImages, type ImageCacheCounts } from './serving-images';

export type Instance = Record<string, string | number | null>;

export interface Prediction {
  clickProbability: number;
  /** What was ignored or missing for this instance; absent when nothing was. */
  warnings?: string[];
}

/** Decoded images kept per loaded model, and how long a request waits for one. */
export interface ImageOptions {
  cacheSize: number;
  deadlineMs: number;
  counts?: ImageCacheCounts;
}

const withWarnings = (clickProbability: number, warnings: string[]): Prediction => ({ clickProbability, ...(warnings.length > 0 ? { warnings } : {}) });

type ParsedInstance = { example: Example; warnings: string[] } | InstanceProblem;

export class ServingModel {
  readonly loadedAt = new Date();
  private readonly encoder: Encoder;
  private readonly knownColumns: Set<string>;
  private readonly warnings: InstanceWarnings;
  private readonly images?: ServingImages;
  private users = 0;
  private retired = false;
  private disposed = false;

  private constructor(
    readonly version: number,
    readonly spec: FeatureSpec,
    private readonly loaded: LoadedModel,
    store: BlobStore,
    images: ImageOptions,
  ) {
    this.encoder = new Encoder(loaded.transform);
    this.knownColumns = new Set(spec.columns.map((column) => column.name));
    this.warnings = new InstanceWarnings(loaded.transform);
    if (loaded.transform.image && loaded.model.imageTower)
      this.images = new ServingImages(store, loaded.transform.image.size, images.cacheSize, images.deadlineMs, images.counts);
  }

  /** Loads every file of the version and runs one prediction: a model that cannot serve is never swapped in. */
  static async load(store: BlobStore, registry: ModelRegistry, version: number, images: ImageOptions): Promise<ServingModel> {
    const loaded = await loadClickModel(store, (name) => registry.fileKey(version, name));
    try {
      const model = new ServingModel(version, parseFeatureSpec(loaded.spec), loaded, store, images);
      model.warmUp();
      return model;
    } catch (error) {
      disposeClickModel(loaded.model);
      throw error;
    }
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

  /** Call between acquire() and release(). Refuses the whole batch if any instance is invalid. */
  async predict(instances: Instance[]): Promise<Prediction[]> {
    const parsed = instances.map((instance, index) => this.parse(instance, index));
    const problems = parsed.filter((p): p is InstanceProblem => 'reason' in p);
    if (problems.length > 0) throw new InvalidInstancesError(problems);
    const rows = parsed as { example: Example; warnings: string[] }[];
    const scored = await this.scoreExamples(rows.map((row) => row.example));
    return rows.map((row, i) => withWarnings(scored[i]!.clickProbability, [...row.warnings, ...(scored[i]!.warnings ?? [])]));
  }

  /** Examples already valid under this model's spec (batch scoring reads them from CSV): each one's
   *  probability, with a warning when its image could not be had and it was scored without it. */
  async scoreExamples(examples: Example[]): Promise<Prediction[]> {
    const warnings = examples.map((): string[] => []);
    let imageRow = (_key: string) => -1;
    let pixels: PixelSource | undefined;
    const imageName = this.loaded.transform.image?.name;
    if (this.images && imageName) {
      const keys = examples.map((example) => example.f[imageName]);
      const found = await this.images.lookup(keys.filter((key): key is string => typeof key === 'string'));
      const table: Uint8Array[] = [];
      const rowOf = new Map<string, number>();
      for (const [key, result] of found) if (result.ok) rowOf.set(key, table.push(result.pixels) - 1);
      keys.forEach((key, i) => {
        const result = typeof key === 'string' ? found.get(key) : undefined;
        if (result && !result.ok) warnings[i]!.push(`${result.problem}; predicted without the image`);
      });
      imageRow = (key) => rowOf.get(key) ?? -1;
      pixels = (row) => table[row]!;
    }
    const probabilities = predictExamples(this.loaded.model, this.encoder, examples, imageRow, pixels);
    return examples.map((_, i) => withWarnings(probabilities[i]!, warnings[i]!));
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
    disposeClickModel(this.loaded.model);
  }

  // One all-defaults row (and a blank image when the model has an image tower) through the whole graph.
  private warmUp(): void {
    const { widths } = this.encoder;
    const builder = new DatasetBuilder(widths);
    const withImage = Boolean(this.images);
    builder.push(
      {
        numeric: new Array<number>(widths.numeric).fill(0),
        categorical: new Array<number>(widths.categorical).fill(0),
        text: new Array<number>(widths.text).fill(0),
        image: withImage ? 0 : -1,
      },
      0,
    );
    const size = this.loaded.transform.image?.size ?? 0;
    const blank = new Uint8Array(size * size * 3);
    const [probability] = predictProbabilities(this.loaded.model, this.loaded.transform, builder.build(), withImage ? () => blank : undefined);
    if (!Number.isFinite(probability)) throw new Error(`v${this.version} predicts ${probability} for a default row; refusing to serve it`);
  }
}
