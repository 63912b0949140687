// Reads a CSV as rows judged against the spec, and never loses a good row to another row's broken
// quote. Quoted newlines stay legal, but a record that spans several lines is kept only if it is a
// valid row and swallows no line that is a valid row on its own. Rejected for any reason, it costs
// only its first line (the one whose unbalanced quote opened it), and the lines after are read again.
import { isBlankRecord } from '../storage/csv-fields';
import type { CsvRecord, CsvRecordReader } from '../storage/csv-record-reader';
import { decodeForDisplay } from '../storage/text-encoding';
import { boundRaw, RAW_SAMPLE_BYTES } from '../pipeline/quarantine';
import type { Example } from './example';
import { RowJudge, UnreadableHeaderError, type RowRules } from './row-judge';
import type { FeatureSpec } from './spec';

export type CsvRow =
  | { ok: true; line: number; example: Example }
  /** raw: the record's text, bounded for its quarantine entry. */
  | { ok: false; line: number; reason: string; raw: string };

export interface CsvRowsOptions {
  spec: FeatureSpec;
  rules: RowRules;
  /** Named in header errors. */
  file: string;
  maxRecordBytes: number;
}

const NEWLINE = 0x0a;

/** Rows in file order; lines count from the header (line 1). Throws UnreadableHeaderError. */
export async function* readCsvRows(reader: CsvRecordReader, options: CsvRowsOptions): AsyncGenerator<CsvRow> {
  for await (const rows of readCsvRowBatches(reader, options)) yield* rows;
}

/** The same rows in batches, as they lie whole in the input read so far: per-row awaits cost more than the row. */
export async function* readCsvRowBatches(reader: CsvRecordReader, options: CsvRowsOptions): AsyncGenerator<CsvRow[]> {
  let judge: RowJudge | undefined;
  for (let records = await reader.nextBatch(); records.length > 0; records = await reader.nextBatch()) {
    const rows: CsvRow[] = [];
    for (const record of records) {
      if (isBlankRecord(record.bytes)) continue;
      if (judge) rows.push(judgeRecord(reader, judge, record, options));
      else judge = judgeHeader(record, options);
    }
    if (rows.length > 0) yield rows;
  }
  if (!judge) throw new UnreadableHeaderError(`${options.file} is empty: no header row`);
}

function judgeHeader(record: CsvRecord, options: CsvRowsOptions): RowJudge {
  if (record.overLong !== undefined) {
    throw new UnreadableHeaderError(`${options.file} has an unreadable header: longer than ${options.maxRecordBytes} bytes (${record.overLong} bytes)`);
  }
  return RowJudge.fromHeader(options.spec, options.rules, options.file, physicalLines(record.bytes)[0]!);
}

function judgeRecord(reader: CsvRecordReader, judge: RowJudge, record: CsvRecord, options: CsvRowsOptions): CsvRow {
  if (record.overLong !== undefined) {
    return rejected(record, `record longer than ${options.maxRecordBytes} bytes: ${record.overLong} bytes`, record.bytes, options.spec);
  }
  const verdict = judge.judge(record.bytes);
  if (record.lines === 1) {
    return verdict.ok ? { ok: true, line: record.line, example: verdict.example } : rejected(record, verdict.reason, record.bytes, options.spec);
  }
  const lines = physicalLines(record.bytes);
  if (verdict.ok && !swallowsARow(judge, lines)) return { ok: true, line: record.line, example: verdict.example };
  // Only the first line can open a multi-line record, so only it is refused; its own verdict is the reason.
  const first = lines[0]!;
  const own = judge.judge(first);
  reader.rescanAfterFirstLine();
  return rejected(record, own.ok ? 'unparsable CSV: a quoted field spans lines that are rows of their own' : own.reason, first, options.spec);
}

function rejected(record: CsvRecord, reason: string, bytes: Buffer, spec: FeatureSpec): CsvRow {
  const content = withoutLineEnding(bytes);
  const sample = decodeForDisplay(content.subarray(0, RAW_SAMPLE_BYTES), spec.encoding);
  return { ok: false, line: record.line, reason, raw: boundRaw(sample, record.overLong ?? content.length) };
}

/** A span that parses by accident (an unclosed quote closed by a stray one lines later) holds whole rows. */
function swallowsARow(judge: RowJudge, lines: Buffer[]): boolean {
  // The first and last lines have an odd number of quotes, so neither can be a row on its own.
  return lines.slice(1, -1).some((inner) => judge.judge(inner).ok);
}

/** A record's physical lines, each with its line ending. */
function physicalLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline < 0 ? bytes.length : newline + 1;
    lines.push(bytes.subarray(start, end));
    start = end;
  }
  return lines;
}

function withoutLineEnding(bytes: Buffer): Buffer {
  let end = bytes.length;
  if (bytes[end - 1] === NEWLINE) end -= 1;
  if (bytes[end - 1] === 0x0d) end -= 1;
  return bytes.subarray(0, end);
}
