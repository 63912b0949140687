// K lazily opened JSON-lines writers, one per hash partition of an id: both sides of the feedback join
// are cut this way, so one partition of each fits in memory at a time.
import { fnv1a } from '../features/hash';
import type { BlobStore } from '../storage/blob-store';
import { JsonLinesWriter } from '../storage/lines';

export const partitionKey = (prefix: string, partition: number) => `${prefix}part-${String(partition).padStart(5, '0')}.jsonl.gz`;

/** Open uploads at once stay this few (each holds a gzip stream and a batch of lines). */
export const MAX_PARTITIONS = 128;

/** Enough partitions that each holds about `bytesPerPartition` of the (gzipped) input. */
export function partitionCount(inputBytes: number, bytesPerPartition: number): number {
  return Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(inputBytes / bytesPerPartition)));
}

export const partitionOf = (id: string, partitions: number) => fnv1a(id) % partitions;

export class PartitionWriters {
  private readonly writers = new Map<number, JsonLinesWriter>();

  constructor(
    private readonly store: BlobStore,
    private readonly prefix: string,
    private readonly partitions: number,
  ) {}

  /** Adds a row to its partition without waiting: await flushIfFull() once per batch of rows (an await per row
   *  costs more than the row). */
  add(id: string, row: unknown): void {
    const partition = partitionOf(id, this.partitions);
    let writer = this.writers.get(partition);
    if (!writer) this.writers.set(partition, (writer = new JsonLinesWriter(this.store, partitionKey(this.prefix, partition))));
    writer.add(JSON.stringify(row));
  }

  /** Sends the lines of every partition that has a batch's worth. */
  async flushIfFull(): Promise<void> {
    for (const writer of this.writers.values()) await writer.flushIfFull();
  }

  /** Closes every writer; returns the partitions that got rows (the others have no object). */
  async close(): Promise<Set<number>> {
    await Promise.all([...this.writers.values()].map((writer) => writer.close()));
    return new Set(this.writers.keys());
  }

  async abort(reason: Error): Promise<void> {
    await Promise.all([...this.writers.values()].map((writer) => writer.abort(reason)));
  }
}
