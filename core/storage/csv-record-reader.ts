// Reads a CSV byte stream as candidate records without parsing fields: a newline ends a record only
// outside quotes (RFC 4180 doubles quotes inside quoted fields, which keeps the toggle count right).
// Scanning bytes is safe in UTF-8, Latin-1 and Windows-1252: '"' and '\n' never occur inside a character.
// The reader does not judge records; its caller does, and when it rejects one that spans several lines it
// calls rescanAfterFirstLine(), so an unclosed quote costs its own line and never the lines it swallowed.
// Memory stays under maxRecordBytes plus one chunk: a longer record is cut short (see CsvRecord.overLong).
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The default record limit (INGEST_MAX_RECORD_BYTES): far above any real impression row. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export interface CsvRecord {
  /** The record's bytes, line ending included; for an over-long record, only its first bytes. */
  bytes: Buffer;
  /** Physical line (from 1) the record starts on. */
  line: number;
  /** Physical lines it spans: more than one when a quoted field holds newlines. */
  lines: number;
  /** Set when one physical line ran past maxRecordBytes: its whole length in bytes, line ending excluded. */
  overLong?: number;
}

export class CsvRecordReader {
  private readonly source: AsyncIterator<Buffer>;
  /** Input not returned yet, in order: the next record starts at queue[0][0]. */
  private readonly queue: Buffer[] = [];
  private buffered = 0;
  private nextLine = 1;
  private last: CsvRecord | undefined;
  /** Bytes pulled from the source so far. */
  bytesRead = 0;
  /** The most input held at once: stays near maxRecordBytes plus one chunk. */
  peakBufferedBytes = 0;

  constructor(
    source: AsyncIterable<Buffer>,
    private readonly maxRecordBytes: number,
  ) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** The records that lie whole in the input already read (at least one, unless the input is done): one
   *  await per chunk, not per record. A batch ends after a record of several lines, so its caller can still
   *  give that one back (rescanAfterFirstLine) before anything after it is taken. */
  async nextBatch(): Promise<CsvRecord[]> {
    const batch: CsvRecord[] = [];
    for (let record = this.takeWholeInFirstChunk(); record; record = this.takeWholeInFirstChunk()) {
      batch.push(record);
      if (record.lines > 1) return batch;
    }
    if (batch.length > 0) return batch;
    const record = await this.next();
    return record ? [record] : [];
  }

  /** next()'s common case without awaiting: a record that ends inside the first buffered chunk. */
  private takeWholeInFirstChunk(): CsvRecord | undefined {
    const buffer = this.queue[0];
    if (!buffer) return undefined;
    let inQuotes = false;
    let newlines = 0;
    const stop = Math.min(buffer.length, this.maxRecordBytes + 1);
    for (let i = 0; i < stop; i++) {
      const byte = buffer[i];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === NEWLINE) {
        if (!inQuotes) return this.take(i + 1, newlines + 1);
        newlines += 1;
      }
    }
    return undefined;
  }

  async next(): Promise<CsvRecord | undefined> {
    let inQuotes = false;
    let newlines = 0;
    let firstLineEnd = -1;
    let scanned = 0;
    for (let index = 0; ; index++) {
      if (!(await this.hasChunk(index))) break;
      const buffer = this.queue[index]!;
      // A record may hold maxRecordBytes before its newline: scan at most one byte more than that.
      const stop = Math.min(buffer.length, this.maxRecordBytes + 1 - scanned);
      for (let i = 0; i < stop; i++) {
        const byte = buffer[i];
        if (byte === QUOTE) inQuotes = !inQuotes;
        else if (byte === NEWLINE) {
          if (!inQuotes) return this.take(scanned + i + 1, newlines + 1);
          newlines += 1;
          if (firstLineEnd < 0) firstLineEnd = scanned + i + 1;
        }
      }
      scanned += stop;
      if (scanned > this.maxRecordBytes) {
        // A quoted span that runs this long is an unclosed quote: give back its first line alone.
        if (firstLineEnd >= 0) return this.take(firstLineEnd, 1);
        return this.skipOverLongLine();
      }
    }
    if (this.buffered === 0) return undefined;
    const rest = this.buffered;
    const endsWithNewline = this.queue.at(-1)!.at(-1) === NEWLINE;
    return this.take(rest, newlines + (endsWithNewline ? 0 : 1));
  }

  /** The record just returned spans several lines and was rejected: read on from its second line. */
  rescanAfterFirstLine(): void {
    const last = this.last;
    if (!last || last.lines < 2) throw new Error('rescanAfterFirstLine() follows only a record of several lines');
    const rest = last.bytes.subarray(last.bytes.indexOf(NEWLINE) + 1);
    this.queue.unshift(rest);
    this.buffered += rest.length;
    this.nextLine = last.line + 1;
    this.last = undefined;
  }

  /** Pulls from the source until queue[index] exists; false at the end of the input. */
  private async hasChunk(index: number): Promise<boolean> {
    while (this.queue.length <= index) {
      const { value, done } = await this.source.next();
      if (done) return false;
      const chunk = Buffer.isBuffer(value) ? value : Buffer.from(value);
      this.bytesRead += chunk.length;
      if (chunk.length > 0) this.queue.push(chunk);
      this.buffered += chunk.length;
      this.peakBufferedBytes = Math.max(this.peakBufferedBytes, this.buffered);
    }
    return true;
  }

  private take(length: number, lines: number): CsvRecord {
    const record: CsvRecord = { bytes: this.takeBytes(length), line: this.nextLine, lines };
    this.nextLine += lines;
    this.last = record;
    return record;
  }

  /** Removes the first `length` buffered bytes and returns them, copying only when they span chunks. */
  private takeBytes(length: number): Buffer {
    this.buffered -= length;
    const first = this.queue[0]!;
    if (first.length >= length) {
      this.dropFront(length);
      return first.subarray(0, length);
    }
    const parts: Buffer[] = [];
    for (let left = length; left > 0;) {
      const head = this.queue[0]!;
      const part = head.subarray(0, left);
      parts.push(part);
      left -= part.length;
      this.dropFront(part.length);
    }
    return Buffer.concat(parts, length);
  }

  private dropFront(length: number): void {
    const head = this.queue[0]!;
    if (head.length === length) this.queue.shift();
    else this.queue[0] = head.subarray(length);
  }

  /** One physical line longer than the limit: keep its start, skip the rest without holding it. */
  private async skipOverLongLine(): Promise<CsvRecord> {
    const start = this.takeBytes(this.maxRecordBytes + 1);
    let length = start.length;
    let lastByte = start.at(-1);
    for (;;) {
      if (!(await this.hasChunk(0))) break;
      const head = this.queue[0]!;
      const newline = head.indexOf(NEWLINE);
      const end = newline < 0 ? head.length : newline;
      length += end;
      if (end > 0) lastByte = head[end - 1];
      this.buffered -= newline < 0 ? end : end + 1;
      if (newline < 0) this.queue.shift();
      else {
        this.dropFront(newline + 1);
        break;
      }
    }
    const overLong = length - (lastByte === CARRIAGE_RETURN ? 1 : 0);
    const record: CsvRecord = { bytes: start.subarray(0, this.maxRecordBytes), line: this.nextLine, lines: 1, overLong };
    this.nextLine += 1;
    this.last = record;
    return record;
  }
}
