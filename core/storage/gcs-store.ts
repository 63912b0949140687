// BlobStore over a Google Cloud Storage bucket (or any GCS API server, such as fake-gcs-server).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage, type Bucket, type File } from '@google-cloud/storage';
import { BlobNotFoundError, PreconditionFailedError, type BlobInfo, type BlobStore, type PutOptions } from './blob-store';
import { failOnStall, failUploadOnStall } from './stall-guard';

export interface GcsStoreOptions {
  bucket: string;
  /** A GCS API server other than Google's, e.g. http://127.0.0.1:4443 for fake-gcs-server. */
  apiEndpoint?: string;
  projectId?: string;
  /** A read waiting this long for its next bytes, or an upload this long on the bucket, fails (GCS_STALL_SECONDS;
   *  default 20 s, under the data activities' 30 s heartbeat timeout). */
  stallMs?: number;
}

export const DEFAULT_STALL_MS = 20_000;

const errorCode = (error: unknown): number | undefined => (error as { code?: number } | undefined)?.code;

export class GcsStore implements BlobStore {
  readonly url: string;
  private readonly bucket: Bucket;
  private readonly stallMs: number;

  constructor(options: GcsStoreOptions) {
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    // The client library's per-request timeout ends a metadata or listing request that gets no answer (a frozen
    // connection otherwise waits for ever); it does not cut a long transfer that keeps moving (measured: an 8 s
    // read and an 8 s upload under a 3 s timeout), which the stall guards below watch instead.
    const storage = new Storage({ apiEndpoint: options.apiEndpoint, projectId: options.projectId, timeout: this.stallMs });
    this.bucket = storage.bucket(options.bucket);
    this.url = `gs://${options.bucket}`;
  }

  /** Creates the bucket if it is missing (local GCS servers start empty). */
  async ensureBucket(): Promise<void> {
    const [exists] = await this.bucket.exists();
    if (!exists)
      await this.bucket.create().catch((error: unknown) => {
        if (errorCode(error) !== 409) throw error;
      });
  }

  async put(key: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<BlobInfo> {
    const file = this.bucket.file(key);
    const preconditionOpts = options.ifGeneration === undefined ? undefined : { ifGenerationMatch: Number(options.ifGeneration) };
    // Small objects go in one request; streams use resumable upload so big shards survive hiccups. A
    // compare-and-swap goes in one request too: fake-gcs-server ignores preconditions on resumable uploads.
    const resumable = body instanceof Readable && options.ifGeneration === undefined;
    const source = body instanceof Readable ? body : Readable.from([typeof body === 'string' ? Buffer.from(body) : body]);
    const upload = file.createWriteStream({ resumable, contentType: options.contentType, preconditionOpts, validation: false });
    let settled = false;
    const stopWatching = failUploadOnStall(upload, () => settled, { stallMs: this.stallMs, what: `writing ${this.keyUrl(key)}` });
    try {
      await pipeline(source, upload);
    } catch (error) {
      if (errorCode(error) === 412) throw new PreconditionFailedError(this.keyUrl(key), options.ifGeneration ?? '');
      throw error;
    } finally {
      settled = true;
      stopWatching();
    }
    const [metadata] = await file.getMetadata();
    return toInfo(key, metadata);
  }

  getStream(key: string): Readable {
    const source = this.bucket.file(key).createReadStream({ validation: false });
    return failOnStall(source, {
      stallMs: this.stallMs,
      what: `reading ${this.keyUrl(key)}`,
      relabel: (error) => (errorCode(error) === 404 ? new BlobNotFoundError(this.keyUrl(key)) : undefined),
    });
  }

  /** Through the guarded stream: the library's download() hangs the same way when the server goes away mid-body. */
  async get(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.getStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const [metadata] = await this.bucket.file(key).getMetadata();
      return toInfo(key, metadata);
    } catch (error) {
      if (errorCode(error) === 404) return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let pageToken: string | undefined;
    do {
      const [files, next] = await this.bucket.getFiles({ prefix, pageToken, autoPaginate: false, maxResults: 1000 });
      for (const file of files) yield toInfo(file.name, file.metadata);
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  async delete(key: string): Promise<void> {
    await this.bucket.file(key).delete({ ignoreNotFound: true });
  }

  private keyUrl(key: string): string {
    return `${this.url}/${key}`;
  }
}

function toInfo(key: string, metadata: File['metadata']): BlobInfo {
  return { key, size: Number(metadata.size ?? 0), generation: String(metadata.generation ?? '') };
}
