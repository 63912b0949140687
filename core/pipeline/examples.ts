// Reading a month's ingested examples back, shard by shard, and the time-based split.
import type { Example } from '../features/example';
import { monthRange } from '../features/month';
import { getJsonIfExists, listAll, type BlobStore } from '../storage/blob-store';
import { readJsonLines } from '../storage/lines';
import { monthArtifacts } from './layout';
import type { ImageIndex } from '../features/image-index';
import type { PixelSource } from '../model/forward';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function* readExamples(store: BlobStore, month: string): AsyncIterable<Example> {
  for (const shard of await listAll(store, monthArtifacts(month).examplesPrefix)) yield* readJsonLines<Example>(store, shard.key);
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
export async function loadPixels(store: BlobStore, month: string, size: number | undefined): Promise<PixelSource | undefined> {
  if (!size) return undefined;
  const table = new Uint8Array(await store.get(monthArtifacts(month).imagePixels));
  const bytes = size * size * 3;
  return (row) => table.subarray(row * bytes, (row + 1) * bytes);
}

/** Image key → row of the month's pixel table (missing when the image was absent or corrupt). */
export async function loadImageRows(store: BlobStore, month: string): Promise<{ index?: ImageIndex; rowOf: (key: string) => number }> {
  const index = await getJsonIfExists<ImageIndex>(store, monthArtifacts(month).imageIndex);
  const rows = new Map(index?.keys.map((key, i) => [key, i]));
  return { index, rowOf: (key) => rows.get(key) ?? -1 };
}
