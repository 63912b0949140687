// Turns one raw row (CSV strings, or JSON values from a prediction request) into a typed Example,
// or says exactly why it cannot. Ingest and serving both use it, so both accept the same inputs.
import type { Example } from './example';
import { columnsOf, labelColumn, timestampColumn, type ColumnOf, type ColumnSpec, type FeatureSpec } from './spec';

export type RawValue = string | number | null | undefined;
export type ParsedRow = { ok: true; example: Example } | { ok: false; reason: string };

export interface ParseRowOptions {
  /** Labelled data must carry the label; prediction requests must not need it. */
  requireLabel: boolean;
  /** Turns an image column's value (a path relative to the month folder) into a bucket key. */
  resolveImage?: (path: string) => string;
  /** Timestamps outside [from, to) are rejected (ingest restricts rows to their month). */
  timeRange?: { from: number; to: number };
  /** Used when the row has no timestamp at all (a prediction is about now); absent, one is required. */
  defaultTimestamp?: number;
}

const isBlank = (value: RawValue): value is null | undefined | '' =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

export function parseTimestamp(value: RawValue): number | undefined {
  if (isBlank(value)) return undefined;
  const text = String(value).trim();
  const millis = /^\d{10,14}$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(millis) ? millis : undefined;
}

function parseNumeric(column: Extract<ColumnSpec, { role: 'numeric' }>, value: RawValue): { value: number | null } | { error: string } {
  if (isBlank(value)) return column.required ? { error: `${column.name} is missing` } : { value: null };
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(number)) return { error: `${column.name} is not a number: ${JSON.stringify(value)}` };
  if ((column.min !== undefined && number < column.min) || (column.max !== undefined && number > column.max)) {
    return { error: `${column.name} is out of range [${column.min ?? '-inf'}, ${column.max ?? 'inf'}]: ${number}` };
  }
  return { value: number };
}

/** A spec's columns by role, found once per spec object rather than once per row. */
interface SpecColumns {
  timestamp: string;
  label: string;
  id: string | undefined;
  numeric: ColumnOf<'numeric'>[];
  categorical: ColumnOf<'categorical'>[];
  text: ColumnOf<'text'>[];
  image: ColumnOf<'image'>[];
}

const columnsBySpec = new WeakMap<FeatureSpec, SpecColumns>();

function specColumns(spec: FeatureSpec): SpecColumns {
  let columns = columnsBySpec.get(spec);
  if (!columns) {
    columns = {
      timestamp: timestampColumn(spec),
      label: labelColumn(spec),
      id: columnsOf(spec, 'id')[0]?.name,
      numeric: columnsOf(spec, 'numeric'),
      categorical: columnsOf(spec, 'categorical'),
      text: columnsOf(spec, 'text'),
      image: columnsOf(spec, 'image'),
    };
    columnsBySpec.set(spec, columns);
  }
  return columns;
}

export function parseRow(spec: FeatureSpec, row: Record<string, RawValue>, options: ParseRowOptions): ParsedRow {
  const columns = specColumns(spec);
  const rawTimestamp = row[columns.timestamp];
  const timestamp = isBlank(rawTimestamp) && options.defaultTimestamp !== undefined ? options.defaultTimestamp : parseTimestamp(rawTimestamp);
  if (timestamp === undefined) return { ok: false, reason: `${columns.timestamp} is not a timestamp: ${JSON.stringify(rawTimestamp ?? null)}` };
  if (options.timeRange && (timestamp < options.timeRange.from || timestamp >= options.timeRange.to)) {
    return { ok: false, reason: `${columns.timestamp} ${new Date(timestamp).toISOString()} is outside the month` };
  }
  let label: 0 | 1 = 0;
  const rawLabel = row[columns.label];
  if (options.requireLabel || !isBlank(rawLabel)) {
    const text = isBlank(rawLabel) ? '' : String(rawLabel).trim();
    if (text !== '0' && text !== '1') return { ok: false, reason: `${columns.label} is not 0 or 1: ${JSON.stringify(rawLabel ?? null)}` };
    label = text === '1' ? 1 : 0;
  }
  const features: Example['f'] = {};
  for (const column of columns.numeric) {
    const parsed = parseNumeric(column, row[column.name]);
    if ('error' in parsed) return { ok: false, reason: parsed.error };
    features[column.name] = parsed.value;
  }
  for (const column of columns.categorical) {
    const value = row[column.name];
    if (isBlank(value)) {
      if (column.required) return { ok: false, reason: `${column.name} is missing` };
      features[column.name] = null;
    } else features[column.name] = String(value).trim();
  }
  for (const column of columns.text) {
    const value = row[column.name];
    features[column.name] = isBlank(value) ? '' : String(value);
  }
  for (const column of columns.image) {
    const value = row[column.name];
    // An impression without an image still carries its other features: the model sees "no image".
    if (isBlank(value)) features[column.name] = null;
    else {
      const path = String(value).trim();
      if (path.includes('..') || path.startsWith('/'))
        return { ok: false, reason: `${column.name} must be a relative path inside the month folder: ${JSON.stringify(path)}` };
      features[column.name] = options.resolveImage ? options.resolveImage(path) : path;
    }
  }
  const id = columns.id !== undefined && !isBlank(row[columns.id]) ? String(row[columns.id]).trim() : undefined;
  return { ok: true, example: id === undefined ? { t: timestamp, y: label, f: features } : { id, t: timestamp, y: label, f: features } };
}

/** Columns a CSV header must have: label (unless told not), timestamp, and every feature except optional ones. */
export function requiredColumns(spec: FeatureSpec, options: { label: boolean } = { label: true }): string[] {
  const optional = (c: ColumnSpec) =>
    c.role === 'id' || (c.role === 'label' && !options.label) || ((c.role === 'numeric' || c.role === 'categorical') && !c.required);
  return spec.columns.filter((c) => !optional(c)).map((c) => c.name);
}
