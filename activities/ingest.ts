// Ingest (TFX ExampleGen): stream each CSV of the month, validate every row against the spec,
// quarantine bad rows with their reason, and write typed examples as gzipped JSON-lines shards.
import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { parse } from 'csv-parse';
import { putJson, getJson, listAll, type BlobStore } from '../core/storage/blob-store';
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
      // csv-parse counts lines in this file, whose first data record is line 2.
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

      const skipped: { line: number; reason: string; raw: unknown }[] = [];
      const parser = readMaybeGzipped(store, input.file).pipe(
        parse({ bom: true, skip_empty_lines: true, relax_column_count: true, skip_records_with_error: true, info: true }),
      );
      // Records csv-parse cannot parse at all (e.g. an unclosed quote) still get quarantined.
      parser.on('skip', (error: Error & { lines?: number; record?: unknown }) => {
        skipped.push({ line: error.lines ?? -1, reason: `unparsable CSV: ${error.message}`, raw: error.record ?? null });
      });

      let header: string[] | undefined;
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        while (skipped.length) { const s = skipped.shift()!; result.rows += 1; await reject(s.line, s.reason, s.raw); }
        if (!header) {
          header = record.map((h) => h.trim());
          checkHeader(spec, header, source);
          continue;
        }
        result.rows += 1;
        if (record.length !== header.length) {
          await reject(info.lines, `expected ${header.length} fields, found ${record.length}`, record);
        } else {
          const row: Record<string, RawValue> = Object.fromEntries(header.map((name, i) => [name, record[i]]));
          const parsed = parseRow(spec, row, options);
          if (parsed.ok) {
            result.accepted += 1;
            const image = imageName ? parsed.example.f[imageName] : null;
            if (typeof image === 'string') images.add(image);
            await examples.write(parsed.example);
          } else await reject(info.lines, parsed.reason, row);
        }
        if (result.rows % HEARTBEAT_EVERY_ROWS === 0) heartbeat({ rows: result.rows });
      }
      for (const s of skipped) { result.rows += 1; await reject(s.line, s.reason, s.raw); }
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
