// Streaming helpers for line-oriented artifacts: gzipped JSON lines in, gzipped JSON lines out.
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import type { BlobInfo, BlobStore, PutOptions } from './blob-store';

/** Streams an object, gunzipping when its key ends in .gz. */
export function readMaybeGzipped(store: BlobStore, key: string): Readable {
  const source = store.getStream(key);
  if (!key.endsWith('.gz')) return source;
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  return source.pipe(gunzip);
}

/** zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, …) mean the object is not whole gzip: reading it again will not help. */
export function isCorruptGzip(error: unknown): error is Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

export async function* readJsonLines<T>(store: BlobStore, key: string): AsyncIterable<T> {
  for await (const values of readJsonLineBatches<T>(store, key)) yield* values;
}

/** The same values a chunk's worth at a time, for loops where an await per line would cost more than the line. */
export async function* readJsonLineBatches<T>(store: BlobStore, key: string): AsyncIterable<T[]> {
  for await (const lines of readTextLineBatches(store, key)) yield lines.map((line) => JSON.parse(line) as T);
}

/** The non-empty lines of an object, unparsed (to copy JSON lines without decoding them). */
export async function* readTextLines(store: BlobStore, key: string): AsyncIterable<string> {
  for await (const lines of readTextLineBatches(store, key)) yield* lines;
}

export function readTextLineBatches(store: BlobStore, key: string): AsyncIterable<string[]> {
  return lineBatches(readMaybeGzipped(store, key));
}

const NEWLINE = 0x0a;

/** The non-empty lines (LF or CRLF) of each chunk's whole lines: splitting chunks at once costs far less than readline's events. */
async function* lineBatches(source: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  // Cut only at a newline byte, which is never inside a UTF-8 character.
  let pending: Buffer[] = [];
  for await (const chunk of source) {
    const end = chunk.lastIndexOf(NEWLINE);
    if (end < 0) {
      pending.push(chunk);
      continue;
    }
    const text = (pending.length > 0 ? Buffer.concat([...pending, chunk.subarray(0, end)]) : chunk.subarray(0, end)).toString('utf8');
    pending = end + 1 < chunk.length ? [chunk.subarray(end + 1)] : [];
    yield nonEmptyLines(text);
  }
  yield nonEmptyLines(Buffer.concat(pending).toString('utf8'));
}

function nonEmptyLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (content) lines.push(content);
  }
  return lines;
}

/** For shards the same run reads back: on 74 MB of examples, 0.3 s of CPU instead of level 6's 0.7–1.0 s, for 9.2 MB instead of 6.4. */
export const FAST_GZIP_LEVEL = 1;

export interface WriterOptions extends PutOptions {
  /** zlib's level for a .gz key (default 6). Level 1 costs about a third of the CPU for ~45 % more bytes: worth it
   *  for ingest's shards, which a later stage reads back soon, not for what is kept and rarely read. */
  gzipLevel?: number;
}

/** Streams bytes to one object as they come, with backpressure; gzips when the key ends in .gz. */
export class StreamingWriter {
  private readonly out: Transform;
  private readonly upload: Promise<BlobInfo>;

  constructor(store: BlobStore, key: string, contentType: string, options: WriterOptions = {}) {
    const { gzipLevel, ...putOptions } = options;
    const gzip = key.endsWith('.gz');
    this.out = gzip ? createGzip(gzipLevel === undefined ? {} : { level: gzipLevel }) : new PassThrough();
    this.upload = store.put(key, this.out, { ...putOptions, contentType: gzip ? 'application/gzip' : contentType });
    // Surface upload failures at the next write instead of as an unhandled rejection.
    this.upload.catch(() => undefined);
  }

  async write(chunk: string | Buffer): Promise<void> {
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), this.upload]);
  }

  async close(): Promise<BlobInfo> {
    this.out.end();
    return this.upload;
  }

  /** Gives up on the object: the upload fails, so nothing half-written is ever published. */
  async abort(reason: Error): Promise<void> {
    this.out.destroy(reason);
    await this.upload.catch(() => undefined);
  }
}

// zlib takes a thread-pool round trip per write, so lines go out in batches of about this many characters.
const BATCH_CHARS = 64 * 1024;

/** A writer that streams JSON lines to the store as they come, in batches. */
export class JsonLinesWriter {
  private readonly writer: StreamingWriter;
  private batch = '';

  constructor(store: BlobStore, key: string, options: WriterOptions = {}) {
    this.writer = new StreamingWriter(store, key, 'application/x-ndjson', options);
  }

  async write(value: unknown): Promise<void> {
    await this.writeLine(JSON.stringify(value));
  }

  /** A value already serialized as one line of JSON. */
  async writeLine(json: string): Promise<void> {
    this.add(json);
    await this.flushIfFull();
  }

  /** Adds one line without waiting; the caller awaits flushIfFull() now and then (an await per line costs more than the line). */
  add(json: string): void {
    this.batch += `${json}\n`;
  }

  async flushIfFull(): Promise<void> {
    if (this.batch.length >= BATCH_CHARS) await this.flush();
  }

  async close(): Promise<BlobInfo> {
    await this.flush();
    return this.writer.close();
  }

  abort(reason: Error): Promise<void> {
    return this.writer.abort(reason);
  }

  private async flush(): Promise<void> {
    if (this.batch === '') return;
    const batch = this.batch;
    this.batch = '';
    await this.writer.write(batch);
  }
}
