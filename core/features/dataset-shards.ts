// A split's encoded dataset as shards of bounded size in the bucket, with a manifest: the transform
// writes it shard by shard, training reads it through a DatasetSource that never holds more than its
// memory budget (when the whole split fits the budget, it is read once and kept, and batches are drawn
// exactly as from one array).
import { getJson, putJson, type BlobStore } from '../storage/blob-store';
import { Random } from '../random';
import { Readable } from 'node:stream';
import { DatasetBuilder, emptyDataset, parseDataset, serializedParts, takeRows, type EncodedDataset } from './dataset';
import type { EncodedExample } from './transform';

export interface DatasetManifest {
  format: 'adclick-dataset-shards/1';
  rows: number;
  positives: number;
  widths: EncodedDataset['widths'];
  shards: { key: string; rows: number }[];
}

export interface DatasetSource {
  rows: number;
  positives: number;
  widths: EncodedDataset['widths'];
  /** Every row once, in stored order, a chunk (at most one shard) at a time. */
  chunks(): AsyncIterable<EncodedDataset>;
  /** Every row once, in an order drawn from seed, in batches of at most batchSize. */
  batches(seed: number, batchSize: number): AsyncIterable<EncodedDataset>;
}

/** Bytes one encoded row takes (every array is 4 bytes per value). */
export const rowBytes = (widths: EncodedDataset['widths']) => 4 * (widths.numeric + widths.categorical + widths.text + 2);

export class ShardedDatasetWriter {
  private builder: DatasetBuilder;
  private readonly shards: DatasetManifest['shards'] = [];
  private rows = 0;
  private positives = 0;
  private readonly shardRows: number;

  constructor(
    private readonly store: BlobStore,
    private readonly keys: { manifest: string; shard: (n: number) => string },
    private readonly widths: EncodedDataset['widths'],
    shardBytes: number,
  ) {
    this.shardRows = Math.max(1, Math.floor(shardBytes / rowBytes(widths)));
    this.builder = this.newBuilder();
  }

  /** Adds a row; only a row that fills a shard returns a promise (its upload) to await before the next push. */
  push(example: EncodedExample, label: number): Promise<void> | undefined {
    this.builder.push(example, label);
    this.rows += 1;
    this.positives += label;
    return this.rows % this.shardRows === 0 ? this.flush() : undefined;
  }

  /** Writes the last shard and the manifest; returns the manifest's key. */
  async finish(): Promise<{ key: string; manifest: DatasetManifest }> {
    if (this.rows % this.shardRows !== 0 || this.rows === 0) await this.flush();
    const manifest: DatasetManifest = {
      format: 'adclick-dataset-shards/1',
      rows: this.rows,
      positives: this.positives,
      widths: this.widths,
      shards: this.shards,
    };
    await putJson(this.store, this.keys.manifest, manifest);
    return { key: this.keys.manifest, manifest };
  }

  // A shard's rows are held once: the builder never outgrows the shard, and the upload streams views of its arrays.
  private async flush(): Promise<void> {
    const shard = this.builder.view();
    this.builder = this.newBuilder();
    const key = this.keys.shard(this.shards.length);
    await this.store.put(key, Readable.from(serializedParts(shard)), { contentType: 'application/octet-stream' });
    this.shards.push({ key, rows: shard.rows });
  }

  private newBuilder(): DatasetBuilder {
    return new DatasetBuilder(this.widths, Math.min(1024, this.shardRows), this.shardRows);
  }
}

/** The dataset a transform wrote: shards behind a manifest, or (runs before shards) one file. */
export async function openDataset(store: BlobStore, key: string, budgetBytes: number): Promise<DatasetSource> {
  if (!key.endsWith('.json')) return inMemorySource(parseDataset(await store.get(key)));
  const manifest = await getJson<DatasetManifest>(store, key);
  const load = async (shard: { key: string }) => parseDataset(await store.get(shard.key));
  // Shards are copied one by one into the rows they make together, so only one is ever held twice.
  const loadAll = async (shards: DatasetManifest['shards']) => {
    if (shards.length === 1) return load(shards[0]!);
    const out = emptyDataset(
      shards.reduce((total, s) => total + s.rows, 0),
      manifest.widths,
    );
    let at = 0;
    for (const shard of shards) at = placeRows(out, await load(shard), at);
    return out;
  };
  if (manifest.rows * rowBytes(manifest.widths) <= budgetBytes) return inMemorySource(await loadAll(manifest.shards), manifest.positives);
  return {
    rows: manifest.rows,
    positives: manifest.positives,
    widths: manifest.widths,
    async *chunks() {
      for (const shard of manifest.shards) yield await load(shard);
    },
    async *batches(seed, batchSize) {
      // Shards in a random order, as many at a time as the budget holds, their rows shuffled together.
      const random = new Random(seed);
      const order = shuffledIndices(manifest.shards.length, random);
      const perGroup = Math.max(1, Math.floor(budgetBytes / (rowBytes(manifest.widths) * Math.max(...manifest.shards.map((s) => s.rows)))));
      for (let first = 0; first < order.length; first += perGroup) {
        const group = Array.from(order.subarray(first, first + perGroup), (index) => manifest.shards[index]!);
        yield* shuffledBatches(await loadAll(group), random, batchSize);
      }
    },
  };
}

/** A dataset held in memory as a source: batches are drawn exactly as training always drew them. */
export function inMemorySource(dataset: EncodedDataset, positives = dataset.label.reduce((a, b) => a + b, 0)): DatasetSource {
  return {
    rows: dataset.rows,
    positives,
    widths: dataset.widths,
    async *chunks() {
      yield dataset;
    },
    async *batches(seed, batchSize) {
      yield* shuffledBatches(dataset, new Random(seed), batchSize);
    },
  };
}

function* shuffledBatches(dataset: EncodedDataset, random: Random, batchSize: number): Generator<EncodedDataset> {
  const order = shuffledIndices(dataset.rows, random);
  for (let start = 0; start < dataset.rows; start += batchSize) yield takeRows(dataset, order.subarray(start, Math.min(start + batchSize, dataset.rows)));
}

export function shuffledIndices(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Copies `part`'s rows into `out` from row `at`; returns the row after them. */
function placeRows(out: EncodedDataset, part: EncodedDataset, at: number): number {
  const { widths } = out;
  out.numeric.set(part.numeric, at * widths.numeric);
  out.categorical.set(part.categorical, at * widths.categorical);
  out.text.set(part.text, at * widths.text);
  out.image.set(part.image, at);
  out.label.set(part.label, at);
  return at + part.rows;
}
