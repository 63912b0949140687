// Splits a CSV byte stream into whole records without parsing fields: a newline ends a record only
// outside quotes (RFC 4180 escapes quotes by doubling them, which keeps the count even). Scanning
// bytes is safe in UTF-8: '"' and '\n' never occur inside a multi-byte character.
// An unclosed quote would otherwise swallow the rest of the file: a quoted record that runs past
// maxRecordLines lines, or to the end of the input, is cut back to its first line and flagged.
const QUOTE = 0x22;
const NEWLINE = 0x0a;

export interface CsvRecordBytes {
  bytes: Buffer;
  /** Physical lines the record spans (more than one when a quoted field holds newlines). */
  lines: number;
  /** Its quotes never closed: only its first line is returned, and scanning resumes after it. */
  unbalanced?: true;
}

export async function* csvRecords(source: AsyncIterable<Buffer>, maxRecordLines = 1000): AsyncIterable<CsvRecordBytes> {
  let pending: Buffer = Buffer.alloc(0);
  let scanned = 0;
  let inQuotes = false;
  let lines = 0;
  let firstNewline = -1;

  const restart = (from: number) => {
    pending = pending.subarray(from);
    scanned = 0;
    lines = 0;
    firstNewline = -1;
  };
  // Scans pending from where it left off; yields what is complete.
  function* scan(): Generator<CsvRecordBytes> {
    while (scanned < pending.length) {
      const byte = pending[scanned];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === NEWLINE) {
        lines += 1;
        if (firstNewline < 0) firstNewline = scanned;
        if (!inQuotes) {
          const record = { bytes: pending.subarray(0, scanned + 1), lines };
          restart(scanned + 1);
          yield record;
          continue;
        }
        if (lines > maxRecordLines) {
          yield* cutUnbalanced();
          continue;
        }
      }
      scanned += 1;
    }
  }
  function* cutUnbalanced(): Generator<CsvRecordBytes> {
    const end = firstNewline < 0 ? pending.length : firstNewline + 1;
    const record: CsvRecordBytes = { bytes: pending.subarray(0, end), lines: 1, unbalanced: true };
    inQuotes = false;
    restart(end);
    yield record;
  }

  for await (const chunk of source) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    yield* scan();
  }
  while (inQuotes) {
    yield* cutUnbalanced();
    yield* scan();
  }
  if (pending.length > 0) yield { bytes: Buffer.concat([pending, Buffer.from('\n')]), lines: lines + 1 };
}

/**
 * The fields of one whole record (as csvRecords returns it), by RFC 4180: quoted fields may hold
 * commas, newlines and doubled quotes. Returns a reason instead when the quoting is malformed.
 */
export function parseCsvRecord(text: string): string[] | { error: string } {
  const line = text.replace(/\r?\n$/, '');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return { error: 'a quoted field is never closed' };
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i < line.length && line[i] !== ',') return { error: `text after a closing quote in field ${fields.length + 1}` };
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return { error: `a quote inside unquoted field ${fields.length + 1}` };
      fields.push(value);
      i = end;
    }
    if (i >= line.length) return fields;
    i += 1;
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}
