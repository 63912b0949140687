// Ingest (TFX ExampleGen): stream each CSV of the month record by record, validate every row against
// the spec, quarantine bad rows with their reason (a broken quote costs its own line, never the rows
// after it), and write typed examples as gzipped JSON-lines shards, plus the accepted ids by hash
// shard so duplicates can be found month-wide afterwards (activities/dedupe-ids.ts).
import { ApplicationFailure, log } from '@temporalio/activity';
import { boundError } from '../core/bounded-text';
import { readCsvRowBatches, type CsvRow } from '../core/features/csv-rows';
import { loadSpecForMonth } from '../core/features/load-spec';
import { ingestRules, UnreadableHeaderError } from '../core/features/row-judge';
import { columnsOf, imageColumn, parseFeatureSpec } from '../core/features/spec';
import { DEFAULT_ID_SHARD_BYTES, idShardCount, IdListWriters } from '../core/pipeline/id-lists';
import { isCsvKey, monthArtifacts, rawPrefix } from '../core/pipeline/layout';
import { quarantineEntry, reasonKind } from '../core/pipeline/quarantine';
import { putJson, getJson, listAll, type BlobStore } from '../core/storage/blob-store';
import { CsvRecordReader, DEFAULT_MAX_RECORD_BYTES } from '../core/storage/csv-record-reader';
import { FAST_GZIP_LEVEL, isCorruptGzip, JsonLinesWriter, readMaybeGzipped } from '../core/storage/lines';
import { onEachChunk, throttledHeartbeat } from '../core/temporal/heartbeats';

export interface IngestPlan {
  month: string;
  specKey: string;
  specSource: string;
  files: { key: string; size: number }[];
  /** Hash shards the month's ids are checked for duplicates in; 0 when the spec has no id column. */
  idShards: number;
}

export interface IngestFileInput {
  month: string;
  specKey: string;
  /** A CSV under raw/, or a part split from one: then `source` and `firstLine` say where it came from. */
  file: string;
  part: number;
  source?: string;
  firstLine?: number;
  idShards?: number;
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
  /** The examples shard as written, so dropping duplicates later rewrites exactly this version. */
  examples: { key: string; generation: string };
  /** This part's accepted ids, one list per shard it has ids in. */
  idLists: { shard: number; key: string }[];
}

export function createIngestActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    /** Resolves the month's spec and lists its CSV files; both failures here are not retryable. */
    async planIngest(input: { month: string; idShardBytes?: number }): Promise<IngestPlan> {
      const { month } = input;
      let resolved;
      try {
        resolved = await loadSpecForMonth(store, month);
      } catch (error) {
        throw ApplicationFailure.nonRetryable((error as Error).message, 'InvalidSpec');
      }
      const files = (await listAll(store, rawPrefix(month))).filter((b) => isCsvKey(b.key)).map((b) => ({ key: b.key, size: b.size }));
      if (files.length === 0) throw ApplicationFailure.nonRetryable(`No CSV files under ${store.url}/${rawPrefix(month)}`, 'NoData');
      const specKey = monthArtifacts(month).spec;
      await putJson(store, specKey, resolved.spec);
      const idShards = columnsOf(resolved.spec, 'id').length > 0 ? idShardCount(files, input.idShardBytes ?? DEFAULT_ID_SHARD_BYTES) : 0;
      log.info('ingest planned', { month, files: files.length, spec: resolved.source, idShards });
      return { month, specKey, specSource: resolved.source, files, idShards };
    },

    async ingestFile(input: IngestFileInput): Promise<FileIngestResult> {
      try {
        return await ingestOneFile(store, input);
      } catch (error) {
        if (error instanceof UnreadableHeaderError) throw ApplicationFailure.nonRetryable(error.message, 'UnreadableHeader');
        if (isCorruptGzip(error)) throw ApplicationFailure.nonRetryable(`${input.source ?? input.file} is not whole gzip: ${error.message}`, 'UnreadableFile');
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
  const result: FileIngestResult = {
    file: source,
    part: input.part,
    rows: 0,
    accepted: 0,
    quarantined: 0,
    reasons: {},
    examples: { key: keys.examples(input.part), generation: '' },
    idLists: [],
  };
  // A duplicates list left by an earlier run of this part would be counted again.
  await store.delete(keys.duplicatesQuarantine(input.part));
  const examples = new JsonLinesWriter(store, result.examples.key, { gzipLevel: FAST_GZIP_LEVEL });
  const quarantine = new JsonLinesWriter(store, keys.quarantine(input.part));
  const ids = new IdListWriters(store, input.month, input.part, input.idShards ?? 0);
  const images = new Set<string>();
  const imageName = imageColumn(spec)?.name;

  try {
    await readPart();
  } catch (error) {
    // Cancelled, or the read failed: no half-written shard is left behind.
    await Promise.all([examples.abort(error as Error), quarantine.abort(error as Error), ids.abort(error as Error)]);
    throw error;
  }
  function take(row: CsvRow): void {
    result.rows += 1;
    if (row.ok) {
      const ordinal = result.accepted++;
      if (row.example.id !== undefined) ids.add([row.example.id, ordinal, sourceLine(row.line)]);
      const image = imageName ? row.example.f[imageName] : null;
      if (typeof image === 'string') images.add(image);
      examples.add(JSON.stringify(row.example));
    } else {
      result.quarantined += 1;
      const kind = reasonKind(row.reason);
      result.reasons[kind] = (result.reasons[kind] ?? 0) + 1;
      quarantine.add(JSON.stringify(quarantineEntry(source, sourceLine(row.line), row.reason, row.raw)));
    }
  }
  async function readPart(): Promise<void> {
    const beat = throttledHeartbeat();
    const bytes = onEachChunk(readMaybeGzipped(store, input.file), () => beat({ bytesRead: reader.bytesRead, rows: result.rows }));
    const reader = new CsvRecordReader(bytes, maxRecordBytes);
    for await (const rows of readCsvRowBatches(reader, { spec, rules: ingestRules(input.month), file: source, maxRecordBytes })) {
      for (const row of rows) take(row);
      await Promise.all([examples.flushIfFull(), quarantine.flushIfFull(), ids.flushIfFull()]);
    }
    log.info('part read', { file: source, part: input.part, peakBufferedBytes: reader.peakBufferedBytes });
  }
  const [written] = await Promise.all([examples.close(), quarantine.close()]);
  result.examples.generation = written.generation;
  result.idLists = await ids.close();
  await putJson(store, keys.imageRefs(input.part), [...images].sort());
  const { rows, accepted, quarantined } = result;
  log.info('file ingested', { file: source, part: input.part, rows, accepted, quarantined });
  return result;
}
