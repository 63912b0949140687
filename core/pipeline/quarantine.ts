// What ingest writes for each row it cannot use (one JSON line per row under artifacts/<month>/quarantine/):
// where the row is in its source file, why it was refused, and a bounded sample of it.
import { boundText } from '../bounded-text';

export interface QuarantineEntry {
  file: string;
  /** Physical line in the source file (the header is line 1). */
  line: number;
  reason: string;
  /** The row as text, cut to a few KB (boundRaw); a cut sample says how many bytes the row had. */
  raw: string;
}

const MAX_REASON_CHARS = 500;
const MAX_RAW_CHARS = 2000;

/** `raw` comes bounded already (boundRaw); the reason is bounded here, as it may quote a value. */
export function quarantineEntry(file: string, line: number, reason: string, raw: string): QuarantineEntry {
  return { file, line, reason: boundText(reason, MAX_REASON_CHARS), raw };
}

/** A row's text for its quarantine entry; pass wholeBytes when text is only the start of the row. */
export function boundRaw(text: string, wholeBytes?: number): string {
  return boundText(text, MAX_RAW_CHARS, wholeBytes);
}

/** How many bytes of a record are worth decoding for its sample (a character is at most 4 bytes). */
export const RAW_SAMPLE_BYTES = MAX_RAW_CHARS * 4;

/** "user_age is not a number: \"abc\"" → "user_age is not a number", for counting reasons by kind. */
export function reasonKind(reason: string): string {
  const withoutValues = reason
    .replace(/ \d{4}-\d\d-\d\dT[\d:.]+Z/g, '')
    .split(':')[0]!
    .replace(/\[[^\]]*\]/g, '');
  // Numbers become N, except a suffix such as the 8 in "UTF-8".
  return withoutValues
    .replace(/(?<![\w-])\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}
