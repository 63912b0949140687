// Writes text into one blob as a stream, with backpressure, so a file of millions of rows never sits
// in memory whole.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { BlobInfo, BlobStore } from '../storage/blob-store';

/** Rows are batched into chunks of about this many characters before they enter the stream. */
const CHUNK_CHARS = 64 * 1024;

export class BlobSink {
  private readonly body = new PassThrough();
  private readonly stored: Promise<BlobInfo>;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(store: BlobStore, key: string, options: { gzip?: boolean; contentType?: string } = {}) {
    const source = options.gzip ? this.body.pipe(createGzip()) : this.body;
    this.stored = store.put(key, source, { contentType: options.gzip ? 'application/gzip' : options.contentType });
    // A failed upload is reported by the next write or by end(); this only keeps it from going unhandled.
    this.stored.catch(() => undefined);
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= CHUNK_CHARS) await this.flush();
  }

  async end(): Promise<BlobInfo> {
    await this.flush();
    this.body.end();
    return this.stored;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.body.write(chunk)) await Promise.race([once(this.body, 'drain'), this.stored]);
  }
}
