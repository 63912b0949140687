// Ingest (TFX ExampleGen): stream each CSV of the month record by record, validate every row against
// the spec, quarantine bad rows with their reason (one broken quote costs one row, not the rest of the
// file), and write typed examples as gzipped JSON-lines shards.
import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { putJson, getJson, listAll, type BlobStore } from '../core/storage/blob-store';
import { csvRecords, parseCsvRecord } from '../core/storage/csv-records';
import { JsonLinesWriter, readMaybeGzipped } from '../core/storage/lines';
import { loadSpecForMonth } from '../core/features/load-spec';
import { parseRow, requiredColumns, type RawValue } from '../core/features/parse-row';
import { imageColumn, parseFeatureSpec, type FeatureSpec } from '../core/features/spec';
import { monthRange } from '../core/features/month';
import { monthArtifacts, rawPrefix } from '../core/pipeline/layout';

export interface IngestPlan {
  month: string;
  specKey: string;
  specSource: string;
  files: { key: string; size: number }[];
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

const HEARTBEAT_EVERY_ROWS = 5000;

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

    /** `file` is a CSV under raw/, or a part split from one: then `source` and `firstLine` say where it came from. */
    async ingestFile(input: { month: string; specKey: string; file: string; part: number; source?: string; firstLine?: number }): Promise<FileIngestResult> {
      const spec = parseFeatureSpec(await getJson(store, input.specKey));
      const keys = monthArtifacts(input.month);
      const examples = new JsonLinesWriter(store, keys.examples(input.part));
      const quarantine = new JsonLinesWriter(store, keys.quarantine(input.part));
      const source = input.source ?? input.file;
      // Lines count from this file's header (line 1); a part's first data record is firstLine in its source.
      const sourceLine = (line: number) => line - 2 + (input.firstLine ?? 2);
      const result: FileIngestResult = { file: source, part: input.part, rows: 0, accepted: 0, quarantined: 0, reasons: {} };
      const images = new Set<string>();
      const imageName = imageColumn(spec)?.name;
      const monthFolder = rawPrefix(input.month);
      const options = { requireLabel: true, timeRange: monthRange(input.month), resolveImage: (path: string) => `${monthFolder}${path}` };

      const reject = async (line: number, reason: string, raw: unknown) => {
        result.quarantined += 1;
        const kind = reasonKind(reason);
        result.reasons[kind] = (result.reasons[kind] ?? 0) + 1;
        await quarantine.write({ file: source, line: sourceLine(line), reason, raw });
      };

      let header: string[] | undefined;
      let line = 1;
      for await (const record of csvRecords(readMaybeGzipped(store, input.file))) {
        const at = line;
        line += record.lines;
        const text = record.bytes.toString('utf8').replace(/^\uFEFF/, '');
        if (text.trim() === '') continue;
        if (!header) {
          const fields = parseCsvRecord(text);
          if ('error' in fields) throw ApplicationFailure.nonRetryable(`${source} has an unreadable header: ${fields.error}`, 'MissingColumns');
          header = fields.map((h) => h.trim());
          checkHeader(spec, header, source);
          continue;
        }
        result.rows += 1;
        const fields = record.unbalanced ? { error: 'a quote that never closes' } : parseCsvRecord(text);
        if ('error' in fields) await reject(at, `unparsable CSV: ${fields.error}`, text.slice(0, 2000));
        else if (fields.length !== header.length) await reject(at, `expected ${header.length} fields, found ${fields.length}`, fields);
        else {
          const row: Record<string, RawValue> = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
          const parsed = parseRow(spec, row, options);
          if (parsed.ok) {
            result.accepted += 1;
            const image = imageName ? parsed.example.f[imageName] : null;
            if (typeof image === 'string') images.add(image);
            await examples.write(parsed.example);
          } else await reject(at, parsed.reason, row);
        }
        if (result.rows % HEARTBEAT_EVERY_ROWS === 0) heartbeat({ rows: result.rows });
      }
      if (!header) throw ApplicationFailure.nonRetryable(`${source} is empty: no header row`, 'MissingColumns');
      await Promise.all([examples.close(), quarantine.close()]);
      await putJson(store, keys.imageRefs(input.part), [...images].sort());
      log.info('file ingested', { ...result });
      return result;
    },
  };
}

function checkHeader(spec: FeatureSpec, header: string[], file: string): void {
  const missing = requiredColumns(spec).filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw ApplicationFailure.nonRetryable(`${file} lacks required column(s) ${missing.join(', ')} (header: ${header.join(', ')})`, 'MissingColumns');
  }
}

/** "user_age is not a number: \"abc\"" → "user_age is not a number", for counting reasons by kind. */
function reasonKind(reason: string): string {
  return reason.split(/:| \d{4}-/)[0]!.replace(/\[[^\]]*\]/g, '').replace(/\d+/g, 'N').trim().slice(0, 120);
}
