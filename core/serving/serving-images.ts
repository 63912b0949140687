// Ad images at serving time: an instance names its ad's image by bucket key, which is fetched and
// decoded by the same preprocessing as training, once per (model, key), and kept in an LRU cache.
import { decodeAdImage, UnreadableImageError } from '../features/image';
import { log } from '../log';
import { BlobNotFoundError, type BlobStore } from '../storage/blob-store';
import { LruCache } from './lru-cache';

/** Instances may only point at the raw data folders, never at models, artifacts or registry files. */
export const IMAGE_KEY_PREFIX = 'raw/';

const FETCH_CONCURRENCY = 16;

export type ImageLookup = { ok: true; pixels: Uint8Array } | { ok: false; problem: string };

/** Running counts of cache lookups, kept by whoever owns them (the predictor, across its models). */
export interface ImageCacheCounts {
  hits: number;
  misses: number;
}

export class ServingImages {
  private readonly cache: LruCache<string, Promise<Uint8Array>>;

  /** `deadlineMs`: how long a request waits for one image before it is scored without it. */
  constructor(
    private readonly store: BlobStore,
    private readonly size: number,
    capacity: number,
    private readonly deadlineMs: number,
    private readonly counts: ImageCacheCounts = { hits: 0, misses: 0 },
  ) {
    this.cache = new LruCache(capacity);
  }

  /** Pixels for each distinct key, or why there are none (missing, corrupt, storage error). */
  async lookup(keys: string[]): Promise<Map<string, ImageLookup>> {
    const results = new Map<string, ImageLookup>();
    const queue = [...new Set(keys)];
    const worker = async () => {
      for (let key = queue.pop(); key !== undefined; key = queue.pop()) results.set(key, await this.lookupOne(key));
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, queue.length) }, worker));
    return results;
  }

  private async lookupOne(key: string): Promise<ImageLookup> {
    let timer: NodeJS.Timeout | undefined;
    // Past the deadline the fetch goes on and lands in the cache for the next request.
    const late = new Promise<ImageLookup>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, problem: `image ${key} took longer than ${this.deadlineMs} ms to fetch` }), this.deadlineMs);
    });
    try {
      return await Promise.race([this.pixels(key).then((pixels): ImageLookup => ({ ok: true, pixels })), late]);
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
  private pixels(key: string): Promise<Uint8Array> {
    const cached = this.cache.get(key);
    if (cached) {
      this.counts.hits += 1;
      return cached;
    }
    this.counts.misses += 1;
    const pending = this.store.get(key).then((bytes) => decodeAdImage(bytes, this.size));
    this.cache.set(key, pending);
    pending.catch(() => {
      if (this.cache.get(key) === pending) this.cache.delete(key);
    });
    return pending;
  }
}
