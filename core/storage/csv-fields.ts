// The fields of one whole CSV record (as CsvRecordReader returns it), by RFC 4180: quoted fields may
// hold commas, newlines and doubled quotes. Anything else is malformed and named, never guessed at.
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

/** A record of nothing but spaces, tabs and line endings: not a row at all. */
export function isBlankRecord(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}
