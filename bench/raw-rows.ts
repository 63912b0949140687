// A month's raw CSV rows (plain or gzipped), streamed file by file as records keyed by header name,
// the way a client of the API holds them.
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { listAll, type BlobStore } from '../core/storage/blob-store';

export async function* readRawRows(store: BlobStore, month: string): AsyncIterable<Record<string, string>> {
  const files = (await listAll(store, `raw/${month}/`)).filter((blob) => /^[^/]+\.csv(\.gz)?$/.test(blob.key.slice(`raw/${month}/`.length)));
  for (const { key } of files) {
    const bytes = store.getStream(key);
    const text = key.endsWith('.gz') ? bytes.pipe(createGunzip()) : bytes;
    yield* text.pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>;
  }
}

/** truth/<month>/click-probability.csv as impression id → true p, for the wanted ids only. */
export async function readTrueProbabilities(store: BlobStore, month: string, wanted: Set<string>): Promise<Map<string, number>> {
  const truth = new Map<string, number>();
  const rows = store.getStream(`truth/${month}/click-probability.csv`).pipe(parse({ columns: true })) as AsyncIterable<{ impression_id: string; p: string }>;
  for await (const row of rows) if (wanted.has(row.impression_id)) truth.set(row.impression_id, Number(row.p));
  return truth;
}
