// Decoding one record's bytes under the encoding its spec declares. UTF-8 is decoded strictly: bytes
// that are not UTF-8 are reported with where they are, never silently replaced by U+FFFD.
export const TEXT_ENCODINGS = ['utf-8', 'latin1', 'windows-1252'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });
// WHATWG maps the label "latin1" to Windows-1252 too, so true ISO-8859-1 goes through Buffer instead.
const windows1252 = new TextDecoder('windows-1252');

export function decodeStrict(bytes: Uint8Array, encoding: TextEncodingName): string | { error: string } {
  if (encoding !== 'utf-8') return decodeSingleByte(bytes, encoding);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes);
    return { error: `invalid UTF-8: byte ${offset} of the record is not part of a valid character (declare the spec's "encoding" if the file is not UTF-8)` };
  }
}

/** For showing bytes that may be broken (quarantine samples): bad bytes become U+FFFD. */
export function decodeForDisplay(bytes: Uint8Array, encoding: TextEncodingName): string {
  return encoding === 'utf-8' ? lenientUtf8.decode(bytes) : decodeSingleByte(bytes, encoding);
}

/** Every byte is a character in these encodings, so decoding cannot fail. */
function decodeSingleByte(bytes: Uint8Array, encoding: 'latin1' | 'windows-1252'): string {
  return encoding === 'latin1' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : windows1252.decode(bytes);
}

/** Offset (from 0) of the first byte that does not start a well-formed UTF-8 sequence. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return bytes.length;
}
