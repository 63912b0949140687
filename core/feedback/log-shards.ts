// Finding the prediction log's shards for a window of days.
import type { BlobInfo, BlobStore } from '../storage/blob-store';
import { listAll } from '../storage/blob-store';
import { daysBetween, predictionLogDayPrefix } from './log-entry';

/** Every shard written on the days from `from` to `to` (inclusive), in key order. */
export async function listPredictionLogShards(store: BlobStore, days: { from: string; to: string }): Promise<BlobInfo[]> {
  const shards: BlobInfo[] = [];
  for (const day of daysBetween(days.from, days.to)) shards.push(...(await listAll(store, predictionLogDayPrefix(day))));
  return shards;
}
