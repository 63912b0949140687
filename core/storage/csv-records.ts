// Splits a CSV byte stream into whole records without parsing fields: a newline ends a record only
// outside quotes (RFC 4180 escapes quotes by doubling them, which keeps the count even). Scanning
// bytes is safe in UTF-8: '"' and '\n' never occur inside a multi-byte character.
const QUOTE = 0x22;
const NEWLINE = 0x0a;

export interface CsvRecordBytes {
  bytes: Buffer;
  /** Physical lines the record spans (more than one when a quoted field holds newlines). */
  lines: number;
}

export async function* csvRecords(source: AsyncIterable<Buffer>): AsyncIterable<CsvRecordBytes> {
  let pending: Buffer[] = [];
  let inQuotes = false;
  let lines = 0;
  for await (const chunk of source) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === NEWLINE) {
        lines += 1;
        if (inQuotes) continue;
        pending.push(chunk.subarray(start, i + 1));
        yield { bytes: Buffer.concat(pending), lines };
        pending = [];
        lines = 0;
        start = i + 1;
      }
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) yield { bytes: rest[rest.length - 1] === NEWLINE ? rest : Buffer.concat([rest, Buffer.from('\n')]), lines: lines + 1 };
}
