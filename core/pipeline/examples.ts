// Reading a month's ingested examples back, shard by shard, and the time-based split.
import type { Example } from '../features/example';
import { monthRange } from '../features/month';
import { getJson, getJsonIfExists, listAll, type BlobStore } from '../storage/blob-store';
import { shardedPixelSource } from '../images/pixel-table';
import { forEachConcurrently } from '../concurrency';
import { readJsonLineBatches, readJsonLines } from '../storage/lines';
import { monthArtifacts } from './layout';
import type { ImageIndex } from '../features/image-index';
import type { PixelSource } from '../model/forward';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What ingest wrote for a month, by reference: every later stage reads exactly these objects. */
export interface MonthData {
  /** Example shards, in part order. */
  examples: string[];
  /** The decoded image table; null when the spec has no image column. */
  images: { indexKey: string; pixelsKey: string } | null;
}

/** The month's data as ingest's result names it; runs started before ingest named it find it by listing. */
export async function monthData(store: BlobStore, month: string, named?: MonthData): Promise<MonthData> {
  return named ?? { examples: await listExampleShards(store, month), images: await monthImages(store, month) };
}

export async function listExampleShards(store: BlobStore, month: string): Promise<string[]> {
  return (await listAll(store, monthArtifacts(month).examplesPrefix)).map((shard) => shard.key);
}

/** The month's image table where the image step writes it, when it did. */
export async function monthImages(store: BlobStore, month: string): Promise<MonthData['images']> {
  const keys = monthArtifacts(month);
  const index = await getJsonIfExists<ImageIndex>(store, keys.imageIndex);
  if (!index) return null;
  return { indexKey: keys.imageIndex, pixelsKey: index.shards ? keys.imagePixelsShardPrefix : keys.imagePixels };
}

export async function* readExamples(store: BlobStore, shards: string[]): AsyncIterable<Example> {
  for (const shard of shards) yield* readJsonLines<Example>(store, shard);
}

/** The same examples a chunk's worth at a time: for a month's worth of rows, where an await per row costs ~1 µs
 *  (more inside an activity, whose context follows every promise) against a few µs of work per row. */
export async function* readExampleBatches(store: BlobStore, shards: string[]): AsyncIterable<Example[]> {
  for (const shard of shards) yield* readJsonLineBatches<Example>(store, shard);
}

/** Evaluate on the month's last `holdoutDays`; training never sees them. */
export function holdoutStart(month: string, holdoutDays: number): number {
  return monthRange(month).to - holdoutDays * DAY_MS;
}

/** Train | validation | evaluation holdout, by time: the validation days come just before the holdout. */
export function splitDays(month: string, holdoutDays: number, validationDays: number): { validationStart: number; holdoutStart: number } {
  const holdout = holdoutStart(month, holdoutDays);
  return { validationStart: holdout - validationDays * DAY_MS, holdoutStart: holdout };
}

/** The month's pixel table as a PixelSource (row → size×size×3 bytes), or undefined without images. */
export async function loadPixels(
  store: BlobStore,
  images: MonthData['images'],
  size: number | undefined,
  /** Called after each shard is read: a big table takes long enough to need heartbeats. */
  onShard: () => void = () => {},
): Promise<PixelSource | undefined> {
  if (!size || !images) return undefined;
  const bytes = size * size * 3;
  const { shards } = await getJson<ImageIndex>(store, images.indexKey);
  if (shards) {
    const tables = new Array<Uint8Array>(shards.length);
    await forEachConcurrently(shards, 4, async (shard, i) => {
      tables[i] = new Uint8Array(await store.get(shard.key));
      onShard();
    });
    return shardedPixelSource(tables, bytes);
  }
  const table = new Uint8Array(await store.get(images.pixelsKey));
  return (row) => table.subarray(row * bytes, (row + 1) * bytes);
}

/** Image key → row of the month's pixel table (missing when the image was absent or corrupt). */
export async function loadImageRows(store: BlobStore, images: MonthData['images']): Promise<{ index?: ImageIndex; rowOf: (key: string) => number }> {
  const index = images ? await getJsonIfExists<ImageIndex>(store, images.indexKey) : undefined;
  const rows = new Map(index?.keys.map((key, i) => [key, i]));
  return { index, rowOf: (key) => rows.get(key) ?? -1 };
}
