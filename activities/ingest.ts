// Ingest (TFX ExampleGen): stream each CSV of the month record by record, validate every row against
// the spec, quarantine bad rows with their reason (a broken quote costs its own line, never the rows
// after it), and write typed examples as gzipped JSON-lines shards.
import { ApplicationFailure, log } from '@temporalio/activity';
import { boundError } from '../core/bounded-text';
import { readCsvRows } from '../core/features/csv-rows';
import { loadSpecForMonth } from '../core/features/load-spec';
import { UnreadableHeaderError } from '../core/features/row-judge';
import { imageColumn, parseFeatureSpec } from '../core/features/spec';
import { monthArtifacts, rawPrefix } from '../core/pipeline/layout';
import { quarantineEntry, reasonKind } from '../core/pipeline/quarantine';
import { putJson, getJson, listAll, type BlobStore } from '../core/storage/blob-store';
import { CsvRecordReader, DEFAULT_MAX_RECORD_BYTES } from '../core/storage/csv-record-reader';
import { JsonLinesWriter, readMaybeGzipped } from '../core/storage/lines';
import { onEachChunk, throttledHeartbeat } from '../core/temporal/heartbeats';

export interface IngestPlan {
  month: string;
  specKey: string;
  specSource: string;
  files: { key: string; size: number }[];
}

export interface IngestFileInput {
  month: string;
  specKey: string;
  /** A CSV under raw/, or a part split from one: then `source` and `firstLine` say where it came from. */
  file: string;
  part: number;
  source?: string;
  firstLine?: number;
  maxRecordBytes?: number;
}

export interface FileIngestResult {
  file: string;
  part: number;
  rows: number;
  accepted: number;
  quarantined: number;
  /** Quarantine counts by kind of reason (the reason with its values stripped). */
  reasons: Record<string, number>;
}

export function createIngestActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    /** Resolves the month's spec and lists its CSV files; both failures here are not retryable. */
    async planIngest(month: string): Promise<IngestPlan> {
      let resolved;
      try {
        resolved = await loadSpecForMonth(store, month);
      } catch (error) {
        throw ApplicationFailure.nonRetryable((error as Error).message, 'InvalidSpec');
      }
      const files = (await listAll(store, rawPrefix(month))).filter((b) => /\.csv(\.gz)?$/i.test(b.key)).map((b) => ({ key: b.key, size: b.size }));
      if (files.length === 0) throw ApplicationFailure.nonRetryable(`No CSV files under ${store.url}/${rawPrefix(month)}`, 'NoData');
      const specKey = monthArtifacts(month).spec;
      await putJson(store, specKey, resolved.spec);
      log.info('ingest planned', { month, files: files.length, spec: resolved.source });
      return { month, specKey, specSource: resolved.source, files };
    },

    async ingestFile(input: IngestFileInput): Promise<FileIngestResult> {
      try {
        return await ingestOneFile(store, input);
      } catch (error) {
        if (error instanceof UnreadableHeaderError) throw ApplicationFailure.nonRetryable(error.message, 'UnreadableHeader');
        // Whatever went wrong, the failure must not carry a whole line into Temporal.
        throw boundError(error);
      }
    },
  };
}

async function ingestOneFile(store: BlobStore, input: IngestFileInput): Promise<FileIngestResult> {
  const spec = parseFeatureSpec(await getJson(store, input.specKey));
  const keys = monthArtifacts(input.month);
  const source = input.source ?? input.file;
  // Lines count from this file's header (line 1); a part's first data line is firstLine in its source.
  const sourceLine = (line: number) => line - 2 + (input.firstLine ?? 2);
  const maxRecordBytes = input.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const result: FileIngestResult = { file: source, part: input.part, rows: 0, accepted: 0, quarantined: 0, reasons: {} };
  const examples = new JsonLinesWriter(store, keys.examples(input.part));
  const quarantine = new JsonLinesWriter(store, keys.quarantine(input.part));
  const images = new Set<string>();
  const imageName = imageColumn(spec)?.name;

  const beat = throttledHeartbeat();
  const reader: CsvRecordReader = new CsvRecordReader(onEachChunk(readMaybeGzipped(store, input.file), () => beat({ bytesRead: reader.bytesRead, rows: result.rows })), maxRecordBytes);
  for await (const row of readCsvRows(reader, { spec, month: input.month, file: source, maxRecordBytes })) {
    result.rows += 1;
    if (row.ok) {
      result.accepted += 1;
      const image = imageName ? row.example.f[imageName] : null;
      if (typeof image === 'string') images.add(image);
      await examples.write(row.example);
    } else {
      result.quarantined += 1;
      const kind = reasonKind(row.reason);
      result.reasons[kind] = (result.reasons[kind] ?? 0) + 1;
      await quarantine.write(quarantineEntry(source, sourceLine(row.line), row.reason, row.raw));
    }
  }
  await Promise.all([examples.close(), quarantine.close()]);
  await putJson(store, keys.imageRefs(input.part), [...images].sort());
  log.info('file ingested', { file: source, part: input.part, rows: result.rows, accepted: result.accepted, quarantined: result.quarantined, peakBufferedBytes: reader.peakBufferedBytes });
  return result;
}
