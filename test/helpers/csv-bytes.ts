// Feeding CSV text to the readers in chunks of a chosen size, so every test also crosses chunk boundaries.
import { readCsvRows, type CsvRow } from '../../core/features/csv-rows';
import { parseFeatureSpec, type FeatureSpec } from '../../core/features/spec';
import { ingestRules } from '../../core/features/row-judge';
import { CsvRecordReader } from '../../core/storage/csv-record-reader';

export async function* chunksOf(bytes: Buffer | string, size: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

/** A small spec for reader tests: id a, text b, numeric c in [0, 100], timestamp t (January 2026), label y. */
export const abcSpec: FeatureSpec = parseFeatureSpec({
  columns: [
    { name: 'a', role: 'id' },
    { name: 'b', role: 'text' },
    { name: 'c', role: 'numeric', min: 0, max: 100 },
    { name: 't', role: 'timestamp' },
    { name: 'y', role: 'label' },
  ],
});
export const ABC_MONTH = '2026-01';

/** A valid row of abcSpec with id `a` and text `b` (quoted by the caller if need be). */
export const abcRow = (a: string | number, b = 'hello') => `${a},${b},3,2026-01-05T10:00:00Z,0`;

export interface ReadRows {
  accepted: { line: number; id?: string; b: unknown }[];
  rejected: { line: number; reason: string; raw: string }[];
  peakBufferedBytes: number;
}

export async function readRows(csv: Buffer | string, options: { chunkSize?: number; maxRecordBytes?: number; spec?: FeatureSpec } = {}): Promise<ReadRows> {
  const maxRecordBytes = options.maxRecordBytes ?? 1024 * 1024;
  const reader = new CsvRecordReader(chunksOf(csv, options.chunkSize ?? 64 * 1024), maxRecordBytes);
  const out: ReadRows = { accepted: [], rejected: [], peakBufferedBytes: 0 };
  const rows: AsyncIterable<CsvRow> = readCsvRows(reader, { spec: options.spec ?? abcSpec, rules: ingestRules(ABC_MONTH), file: 'test.csv', maxRecordBytes });
  for await (const row of rows) {
    if (row.ok) out.accepted.push({ line: row.line, id: row.example.id, b: row.example.f.b });
    else out.rejected.push({ line: row.line, reason: row.reason, raw: row.raw });
  }
  out.peakBufferedBytes = reader.peakBufferedBytes;
  return out;
}
