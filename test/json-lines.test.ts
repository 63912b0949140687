// JSON-lines artifacts read back exactly as written: every line once, in order, through gzip at any level,
// with multi-byte characters across chunk boundaries, CRLF endings, blank lines and no final newline.
import { describe, expect, it } from 'vitest';
import { FAST_GZIP_LEVEL, JsonLinesWriter, readJsonLines, readTextLines } from '../core/storage/lines';
import { freshGcsStore, freshLocalStore } from './helpers/stack';

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe.each([
  ['a local directory', freshLocalStore],
  ['a GCS bucket', freshGcsStore],
] as const)('on %s', (_, freshStore) => {
  it.each([undefined, FAST_GZIP_LEVEL])('reads back every value written, gzip level %s', async (gzipLevel) => {
    const store = await freshStore();
    const values = Array.from({ length: 30_000 }, (_, i) => ({ i, text: `ünïcödé € 🎯 ${'x'.repeat(i % 97)}`, quote: 'a "b"\nc\r\n' }));
    const writer = new JsonLinesWriter(store, 'values.jsonl.gz', { gzipLevel });
    for (const value of values.slice(0, 100)) await writer.write(value);
    for (const value of values.slice(100)) writer.add(JSON.stringify(value));
    await writer.close();
    expect(await collect(readJsonLines(store, 'values.jsonl.gz'))).toEqual(values);
  });

  it('splits lines at LF or CRLF, skipping blank ones, with or without a final newline', async () => {
    const store = await freshStore();
    await store.put('a.jsonl', '{"a":1}\r\n\n{"b":"ü"}\n\r\n{"c":3}');
    await store.put('b.jsonl', '');
    expect(await collect(readTextLines(store, 'a.jsonl'))).toEqual(['{"a":1}', '{"b":"ü"}', '{"c":3}']);
    expect(await collect(readJsonLines(store, 'b.jsonl'))).toEqual([]);
  });
});
