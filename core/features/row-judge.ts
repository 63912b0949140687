// Whether one CSV record is a usable row under the spec: decoded in the spec's encoding, parsed by
// RFC 4180, with the header's field count and every value valid (parseRow). Ingest, batch scoring and
// the CSV splitter judge with this one class, so a file cut into parts reads exactly as it does whole.
import { boundText } from '../bounded-text';
import { rawPrefix } from '../pipeline/layout';
import { parseCsvRecord } from '../storage/csv-fields';
import { decodeStrict } from '../storage/text-encoding';
import type { Example } from './example';
import { monthRange } from './month';
import { parseRow, requiredColumns, type ParseRowOptions, type RawValue } from './parse-row';
import type { FeatureSpec } from './spec';

/** What a row must be besides valid under the spec, and where its image paths are relative to. */
export interface RowRules {
  requireLabel: boolean;
  timeRange?: { from: number; to: number };
  /** Image paths in the CSV are relative to this bucket folder. */
  imageFolder: string;
}

/** Ingest: labelled rows of one month, images under raw/<month>/. */
export const ingestRules = (month: string): RowRules => ({ requireLabel: true, timeRange: monthRange(month), imageFolder: rawPrefix(month) });

/** Batch scoring: rows of any time, with or without a label, images relative to the scored folder. */
export const scoringRules = (folder: string): RowRules => ({ requireLabel: false, imageFolder: folder });

export type Verdict = { ok: true; example: Example } | { ok: false; reason: string };

/** The file cannot be read at all (no header, an unparsable one, or one missing required columns). */
export class UnreadableHeaderError extends Error {}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class RowJudge {
  private readonly options: ParseRowOptions;

  private constructor(
    private readonly spec: FeatureSpec,
    private readonly header: string[],
    rules: RowRules,
  ) {
    const { requireLabel, timeRange, imageFolder } = rules;
    this.options = { requireLabel, timeRange, resolveImage: (path) => `${imageFolder}${path}` };
  }

  /** From the file's header line; throws UnreadableHeaderError, with a bounded message, when it is no good. */
  static fromHeader(spec: FeatureSpec, rules: RowRules, file: string, headerLine: Uint8Array): RowJudge {
    const bytes = spec.encoding === 'utf-8' && UTF8_BOM.equals(headerLine.subarray(0, 3)) ? headerLine.subarray(3) : headerLine;
    const text = decodeStrict(bytes, spec.encoding);
    const fields = typeof text === 'string' ? parseCsvRecord(text) : text;
    if ('error' in fields) throw new UnreadableHeaderError(`${file} has an unreadable header: ${boundText(fields.error, 500)}`);
    const header = fields.map((name) => name.trim());
    const missing = requiredColumns(spec, { label: rules.requireLabel }).filter((name) => !header.includes(name));
    if (missing.length > 0) {
      throw new UnreadableHeaderError(`${file} lacks required column(s) ${missing.join(', ')} (header: ${boundText(header.join(', '), 1000)})`);
    }
    return new RowJudge(spec, header, rules);
  }

  judge(bytes: Uint8Array): Verdict {
    const text = decodeStrict(bytes, this.spec.encoding);
    if (typeof text !== 'string') return { ok: false, reason: text.error };
    const fields = parseCsvRecord(text);
    if ('error' in fields) return { ok: false, reason: `unparsable CSV: ${fields.error}` };
    if (fields.length !== this.header.length) return { ok: false, reason: `expected ${this.header.length} fields, found ${fields.length}` };
    const row: Record<string, RawValue> = {};
    this.header.forEach((name, i) => (row[name] = fields[i]));
    const parsed = parseRow(this.spec, row, this.options);
    return parsed.ok ? parsed : { ok: false, reason: parsed.reason };
  }
}
