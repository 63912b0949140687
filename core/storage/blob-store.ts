// The one storage interface every component uses: a GCS bucket or a local directory behind it.
import { PassThrough, type Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
  /** Changes on every write; the basis for compare-and-swap. */
  generation: string;
}

export interface PutOptions {
  /** Write only if the object is at this generation; '0' means it must not exist yet. */
  ifGeneration?: string;
  contentType?: string;
}

export interface BlobStore {
  /** gs://bucket or file:///dir: where this store points, for logs and lineage. */
  readonly url: string;
  put(key: string, body: Buffer | string | Readable, options?: PutOptions): Promise<BlobInfo>;
  /** Streams the object; the stream errors with BlobNotFoundError when it is missing. */
  getStream(key: string): Readable;
  get(key: string): Promise<Buffer>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Objects whose key starts with prefix, in key order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  delete(key: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly url: string) {
    super(`No object at ${url}`);
    this.name = 'BlobNotFoundError';
  }
}

export class PreconditionFailedError extends Error {
  constructor(
    readonly url: string,
    readonly expectedGeneration: string,
  ) {
    super(`Object ${url} is not at generation ${expectedGeneration}: someone else wrote it first`);
    this.name = 'PreconditionFailedError';
  }
}

export async function getJson<T>(store: BlobStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}

export async function getJsonIfExists<T>(store: BlobStore, key: string): Promise<T | undefined> {
  try {
    return await getJson<T>(store, key);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return undefined;
    throw error;
  }
}

export function putJson(store: BlobStore, key: string, value: unknown, options: PutOptions = {}): Promise<BlobInfo> {
  return store.put(key, JSON.stringify(value, null, 2), { contentType: 'application/json', ...options });
}

export async function listAll(store: BlobStore, prefix: string): Promise<BlobInfo[]> {
  const found: BlobInfo[] = [];
  for await (const info of store.list(prefix)) found.push(info);
  return found;
}

/** Passes source through, replacing its errors by what relabel returns (e.g. a 404 by BlobNotFoundError). */
export function relabelStreamErrors(source: Readable, relabel: (error: unknown) => Error | undefined): Readable {
  const out = new PassThrough();
  source.on('error', (error) => out.destroy(relabel(error) ?? error));
  return source.pipe(out);
}
