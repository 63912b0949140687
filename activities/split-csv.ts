// A month may arrive as one huge CSV: cut it into parts, each with the header, so the ingest fan-out can
// spread it over workers. Parts remember where they started in the source, so quarantined rows still
// name the source file and line. A part ends only after a line whose quotes balance and which is a
// valid row on its own: the whole-file reader reads such a line as one row whatever came before it
// (a record that would swallow it is refused and re-read), so each part reads exactly as it would whole.
import { ApplicationFailure, log } from '@temporalio/activity';
import { ingestRules, RowJudge, UnreadableHeaderError, type RowRules } from '../core/features/row-judge';
import { parseFeatureSpec, type FeatureSpec } from '../core/features/spec';
import { monthArtifacts } from '../core/pipeline/layout';
import { getJson, type BlobStore } from '../core/storage/blob-store';
import { isBlankRecord } from '../core/storage/csv-fields';
import { DEFAULT_MAX_RECORD_BYTES } from '../core/storage/csv-record-reader';
import { isCorruptGzip, readMaybeGzipped, StreamingWriter } from '../core/storage/lines';
import { onEachChunk, throttledHeartbeat } from '../core/temporal/heartbeats';

export interface CsvPart {
  key: string;
  /** The source file this part was cut from. */
  source: string;
  /** Line, in the source file, of the part's first line after its header (the header is line 1). */
  firstLine: number;
}

/** What cutting one file needs, whoever reads the parts: the rules its rows are judged by, and where part n goes. */
export interface CsvCut {
  file: string;
  spec: FeatureSpec;
  rules: RowRules;
  partKey: (part: number) => string;
  rowsPerPart: number;
  maxRecordBytes?: number;
}

export interface SplitCsvInput {
  month: string;
  file: string;
  specKey: string;
  /** A part is cut at the first safe line after this many lines. */
  rowsPerPart: number;
  maxRecordBytes?: number;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CARRIAGE_RETURN = 0x0d;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function createSplitActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async splitCsv(input: SplitCsvInput): Promise<CsvPart[]> {
      try {
        const spec = parseFeatureSpec(await getJson(store, input.specKey));
        const partKey = (part: number) => monthArtifacts(input.month).splitPart(input.file, part);
        return await cutCsvIntoParts(store, { ...input, spec, rules: ingestRules(input.month), partKey });
      } catch (error) {
        if (isCorruptGzip(error)) throw ApplicationFailure.nonRetryable(`${input.file} is not whole gzip: ${error.message}`, 'UnreadableFile');
        throw error;
      }
    },
  };
}

/** Cuts one CSV into parts that each read as they would in the whole file; throws UnreadableHeader failures. */
export async function cutCsvIntoParts(store: BlobStore, input: CsvCut): Promise<CsvPart[]> {
  const { spec } = input;
  const maxRecordBytes = input.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const parts: CsvPart[] = [];
  let judge: RowJudge | undefined;
  let header: Buffer = Buffer.alloc(0);
  let out: StreamingWriter | undefined;
  let linesInPart = 0;
  let line = 1;
  // Source line of the next part's first line: the line after the header, then after each cut.
  let partStart = 0;
  // The current line's bytes, kept only where it is needed whole: as the header, or as a place to cut.
  let current: Buffer[] = [];
  let currentBytes = 0;
  let lastByte = 0;

  const write = async (bytes: Buffer) => {
    if (bytes.length === 0) return;
    if (!out) {
      const key = input.partKey(parts.length);
      parts.push({ key, source: input.file, firstLine: partStart });
      out = new StreamingWriter(store, key, 'text/csv');
      await out.write(header);
    }
    await out.write(bytes);
  };
  // The first line that is not blank is the header; `length` excludes its line ending.
  const takeHeader = (whole: Buffer | undefined, length: number) => {
    if (!whole) throw unreadableHeader(`${input.file} has an unreadable header: longer than ${maxRecordBytes} bytes (${length} bytes)`);
    if (isBlankRecord(whole)) return;
    header = spec.encoding === 'utf-8' && UTF8_BOM.equals(whole.subarray(0, 3)) ? whole.subarray(3) : whole;
    judge = headerJudge(spec, input.rules, input.file, header);
    partStart = line;
  };
  const beat = throttledHeartbeat();
  let bytesRead = 0;
  const chunks = onEachChunk(readMaybeGzipped(store, input.file), (chunk) => beat({ parts: parts.length, line, bytesRead: (bytesRead += chunk.length) }));
  for await (const chunk of chunks) {
    // Bytes of this chunk before `unwritten` are in a part already, or were the header.
    let unwritten = 0;
    for (let start = 0; start < chunk.length;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline < 0 ? chunk.length : newline + 1;
      const wanted = !judge || linesInPart + 1 >= input.rowsPerPart;
      if (wanted && currentBytes + end - start <= maxRecordBytes) current.push(chunk.subarray(start, end));
      const endsWithCr = (end - start > 1 ? chunk[end - 2] : lastByte) === CARRIAGE_RETURN;
      currentBytes += end - start;
      lastByte = chunk[end - 1]!;
      start = end;
      if (newline < 0) break;
      const whole = wanted && currentBytes <= maxRecordBytes ? Buffer.concat(current, currentBytes) : undefined;
      const length = currentBytes - 1 - (endsWithCr ? 1 : 0);
      current = [];
      currentBytes = 0;
      line += 1;
      if (!judge) {
        unwritten = end;
        takeHeader(whole, length);
        continue;
      }
      linesInPart += 1;
      if (whole && linesInPart >= input.rowsPerPart && quotesBalance(whole) && judge.judge(whole).ok) {
        await write(chunk.subarray(unwritten, end));
        unwritten = end;
        await out!.close();
        out = undefined;
        linesInPart = 0;
        partStart = line;
      }
    }
    if (judge) await write(chunk.subarray(unwritten));
  }
  // A header with no line ending: the file has no rows, but its header must still be sound.
  if (!judge && currentBytes > 0) takeHeader(currentBytes <= maxRecordBytes ? Buffer.concat(current) : undefined, currentBytes);
  if (!judge) throw unreadableHeader(`${input.file} is empty: no header row`);
  await out?.close();
  log.info('csv split', { file: input.file, parts: parts.length, lines: line - 1 });
  return parts;
}

function headerJudge(...args: Parameters<typeof RowJudge.fromHeader>): RowJudge {
  try {
    return RowJudge.fromHeader(...args);
  } catch (error) {
    if (error instanceof UnreadableHeaderError) throw unreadableHeader(error.message);
    throw error;
  }
}

function unreadableHeader(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'UnreadableHeader');
}

function quotesBalance(bytes: Buffer): boolean {
  let quotes = 0;
  for (let at = bytes.indexOf(QUOTE); at >= 0; at = bytes.indexOf(QUOTE, at + 1)) quotes += 1;
  return quotes % 2 === 0;
}
