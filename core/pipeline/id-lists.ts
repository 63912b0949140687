// Ingest writes each part's accepted ids into hash shards, so duplicates across a month of any size are
// found shard by shard and no process ever holds the month's ids.
import { fnv1a } from '../features/hash';
import { FAST_GZIP_LEVEL, JsonLinesWriter } from '../storage/lines';
import type { BlobStore } from '../storage/blob-store';
import { monthArtifacts } from './layout';

/** One accepted row: its id, its place among the part's accepted examples, and its line in the source file. */
export type IdEntry = [id: string, ordinal: number, line: number];

/** A row found to repeat an id accepted earlier (by file order in the plan, then line). */
export interface DuplicateId {
  ordinal: number;
  line: number;
  id: string;
  kept: { file: string; line: number };
}

/** About 256 MB of CSV per shard keeps one shard's ids (a few million) comfortably in one worker's memory. */
export const DEFAULT_ID_SHARD_BYTES = 256 * 1024 * 1024;
/** Gzipped CSV is roughly this many times smaller than the CSV itself. */
const GZIP_RATIO = 5;

export function idShardCount(files: { key: string; size: number }[], csvBytesPerShard: number): number {
  const bytes = files.reduce((sum, file) => sum + file.size * (file.key.endsWith('.gz') ? GZIP_RATIO : 1), 0);
  return Math.max(1, Math.ceil(bytes / csvBytesPerShard));
}

/** One lazily opened id list per shard the part has ids in. */
export class IdListWriters {
  private readonly writers = new Map<number, JsonLinesWriter>();

  constructor(
    private readonly store: BlobStore,
    private readonly month: string,
    private readonly part: number,
    private readonly shards: number,
  ) {}

  /** Adds one entry without waiting; await flushIfFull() after a batch of them. */
  add(entry: IdEntry): void {
    if (this.shards === 0) return;
    const shard = fnv1a(entry[0]) % this.shards;
    let writer = this.writers.get(shard);
    if (!writer)
      this.writers.set(shard, (writer = new JsonLinesWriter(this.store, monthArtifacts(this.month).idList(shard, this.part), { gzipLevel: FAST_GZIP_LEVEL })));
    writer.add(JSON.stringify(entry));
  }

  async flushIfFull(): Promise<void> {
    await Promise.all([...this.writers.values()].map((writer) => writer.flushIfFull()));
  }

  /** The lists written, by shard. */
  async abort(reason: Error): Promise<void> {
    await Promise.all([...this.writers.values()].map((writer) => writer.abort(reason)));
  }

  async close(): Promise<{ shard: number; key: string }[]> {
    const shards = [...this.writers.keys()].sort((a, b) => a - b);
    await Promise.all(shards.map((shard) => this.writers.get(shard)!.close()));
    return shards.map((shard) => ({ shard, key: monthArtifacts(this.month).idList(shard, this.part) }));
  }
}
