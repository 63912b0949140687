// Ad images at serving time: an instance names its ad's image by bucket key, which is fetched, decoded by
// the same preprocessing as training and run through the model's image tower once per (model, key); the
// embedding is kept in an LRU cache, so a request for a known ad runs no convolution at all.
import { decodeAdImage, UnreadableImageError } from '../features/image';
import { log } from '../log';
import { BlobNotFoundError, type BlobStore } from '../storage/blob-store';
import { LruCache } from './lru-cache';

/** Instances may only point at the raw data folders, never at models, artifacts or registry files. */
export const IMAGE_KEY_PREFIX = 'raw/';

const FETCH_CONCURRENCY = 16;

export type ImageLookup = { ok: true; embedding: Float32Array } | { ok: false; problem: string };

/** Running counts of cache lookups, kept by whoever owns them (the predictor, across its models). */
export interface ImageCacheCounts {
  hits: number;
  misses: number;
}

/** The model's image tower over decoded images (size×size×3 bytes each): one embedding per image. */
export type Embedder = (images: Uint8Array[]) => Promise<Float32Array[]>;

export interface ServingImagesOptions {
  /** Side of the square the model's images are resized to. */
  size: number;
  /** Embeddings kept at most. */
  capacity: number;
  /** How long a request waits for one image before it is scored without it. */
  deadlineMs: number;
  counts?: ImageCacheCounts;
}

/** A cache entry: the embedding once the tower has given it, and the promise of it until then. */
interface CachedEmbedding {
  pending: Promise<Float32Array>;
  ready?: Float32Array;
}

export class ServingImages {
  private readonly cache: LruCache<string, CachedEmbedding>;
  private readonly counts: ImageCacheCounts;
  private waiting: { pixels: Uint8Array; resolve: (embedding: Float32Array) => void; reject: (error: Error) => void }[] = [];

  constructor(
    private readonly store: BlobStore,
    private readonly embed: Embedder,
    private readonly options: ServingImagesOptions,
  ) {
    this.cache = new LruCache(options.capacity);
    this.counts = options.counts ?? { hits: 0, misses: 0 };
  }

  /** The embedding for each distinct key, or why there is none (missing, corrupt, storage error, too slow). */
  async lookup(keys: string[]): Promise<Map<string, ImageLookup>> {
    const results = new Map<string, ImageLookup>();
    const queue: string[] = [];
    for (const key of new Set(keys)) {
      const ready = this.readyEmbedding(key);
      if (ready) results.set(key, { ok: true, embedding: ready });
      else queue.push(key);
    }
    const worker = async () => {
      for (let key = queue.pop(); key !== undefined; key = queue.pop()) results.set(key, await this.lookupOne(key));
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, queue.length) }, worker));
    return results;
  }

  // An embedding the cache holds needs no deadline, so no timer and no race: most lookups under load.
  private readyEmbedding(key: string): Float32Array | undefined {
    const ready = this.cache.get(key)?.ready;
    if (ready) this.counts.hits += 1;
    return ready;
  }

  private async lookupOne(key: string): Promise<ImageLookup> {
    let timer: NodeJS.Timeout | undefined;
    const { deadlineMs } = this.options;
    // Past the deadline the fetch goes on and lands in the cache for the next request.
    const late = new Promise<ImageLookup>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, problem: `image ${key} took longer than ${deadlineMs} ms to fetch` }), deadlineMs);
    });
    try {
      return await Promise.race([this.embedding(key).then((embedding): ImageLookup => ({ ok: true, embedding })), late]);
    } catch (error) {
      if (error instanceof BlobNotFoundError) return { ok: false, problem: `image ${key} was not found` };
      if (error instanceof UnreadableImageError) return { ok: false, problem: `image ${key} could not be decoded (${error.message})` };
      log.warn('serving image fetch failed', { key, error: (error as Error).message });
      return { ok: false, problem: `image ${key} could not be fetched (${(error as Error).message})` };
    } finally {
      clearTimeout(timer);
    }
  }

  // Concurrent requests for one key share a single fetch. Failures are not kept: a missing image may
  // be uploaded later, and a storage hiccup passes.
  private embedding(key: string): Promise<Float32Array> {
    const cached = this.cache.get(key);
    if (cached) {
      this.counts.hits += 1;
      return cached.pending;
    }
    this.counts.misses += 1;
    const pending = this.store
      .get(key)
      .then((bytes) => decodeAdImage(bytes, this.options.size))
      .then((pixels) => this.embedSoon(pixels));
    const entry: CachedEmbedding = { pending };
    this.cache.set(key, entry);
    pending.then(
      (embedding) => (entry.ready = embedding),
      () => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      },
    );
    return pending;
  }

  // Images decoded in the same turn of the event loop go through the tower together, in one call.
  private embedSoon(pixels: Uint8Array): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ pixels, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.embedWaiting());
    });
  }

  private async embedWaiting(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    try {
      const embeddings = await this.embed(waiting.map((image) => image.pixels));
      waiting.forEach((image, i) => image.resolve(embeddings[i]!));
    } catch (error) {
      for (const image of waiting) image.reject(error as Error);
    }
  }
}
