// Encoded datasets as shards of bounded size: the writer cuts them, a source within its budget draws
// batches exactly as from one array, a source over budget streams groups of shards and still sees every
// row once per epoch; and a month whose splits are far over the budget trains through Temporal.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrainResult } from '../activities/train';
import type { TransformResult } from '../activities/transform';
import type { EvaluationSummary } from '../activities/evaluate';
import { generateMonth } from '../core/datagen/generate-month';
import { DatasetBuilder, parseDataset, serializeDataset, type EncodedDataset } from '../core/features/dataset';
import { inMemorySource, openDataset, rowBytes, ShardedDatasetWriter, type DatasetManifest, type DatasetSource } from '../core/features/dataset-shards';
import { getJson } from '../core/storage/blob-store';
import { runMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const widths = { numeric: 2, categorical: 1, text: 0 };
const ROWS = 1000;
let store: Awaited<ReturnType<typeof freshGcsStore>>;
let stack: TestStack | undefined;

beforeAll(async () => {
  store = await freshGcsStore();
});
afterAll(async () => stack?.stop());

/** Row i carries i in its first numeric column, so every batch says which rows it holds. */
async function writeNumbered(shardRows: number): Promise<{ key: string; manifest: DatasetManifest; all: EncodedDataset }> {
  const keys = { manifest: `datasets/${shardRows}.json`, shard: (n: number) => `datasets/${shardRows}/shard-${n}.bin` };
  const writer = new ShardedDatasetWriter(store, keys, widths, shardRows * rowBytes(widths));
  const all = new DatasetBuilder(widths);
  for (let i = 0; i < ROWS; i++) {
    const example = { numeric: [i, i / 2], categorical: [i % 7], text: [], image: -1 };
    await writer.push(example, i % 10 === 0 ? 1 : 0);
    all.push(example, i % 10 === 0 ? 1 : 0);
  }
  return { ...(await writer.finish()), all: all.build() };
}

/** 3000 numbered rows in shards of `shardRows`. */
async function writeNumberedBig(shardRows: number): Promise<{ key: string; manifest: DatasetManifest }> {
  const keys = { manifest: `datasets/big-${shardRows}.json`, shard: (n: number) => `datasets/big-${shardRows}/shard-${n}.bin` };
  const writer = new ShardedDatasetWriter(store, keys, widths, shardRows * rowBytes(widths));
  for (let i = 0; i < 3000; i++) await writer.push({ numeric: [i, 0], categorical: [0], text: [], image: -1 }, 0);
  return writer.finish();
}

async function rowsOf(batches: AsyncIterable<EncodedDataset>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of batches) out.push(Array.from({ length: batch.rows }, (_, r) => batch.numeric[r * widths.numeric]!));
  return out;
}

it('cuts a dataset into shards of bounded size and reads it back in order', async () => {
  const { key, manifest, all } = await writeNumbered(128);
  expect(manifest).toMatchObject({ rows: ROWS, positives: ROWS / 10 });
  expect(manifest.shards.map((s) => s.rows)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
  for (const shard of manifest.shards) expect((await store.stat(shard.key))!.size).toBeLessThanOrEqual(128 * rowBytes(widths) + 64);
  const source = await openDataset(store, key, 64 * rowBytes(widths));
  const inOrder = (await rowsOf(source.chunks())).flat();
  expect(inOrder).toEqual(Array.from(all.numeric.filter((_, i) => i % widths.numeric === 0)));
});

it('holds a shard once: its builder grows to the shard and no further, and the upload streams views of its rows', async () => {
  const bounded = new DatasetBuilder(widths, 1024, 2500);
  for (let i = 0; i < 2500; i++) bounded.push({ numeric: [i, 0], categorical: [0], text: [], image: -1 }, 0);
  expect(() => bounded.push({ numeric: [0, 0], categorical: [0], text: [], image: -1 }, 0)).toThrow(/bounded to 2500 rows/);
  const view = bounded.view();
  expect(view.numeric.buffer).toBe((bounded as unknown as { arrays: EncodedDataset }).arrays.numeric.buffer);
  expect(view.numeric.buffer.byteLength).toBe(2500 * widths.numeric * 4);
  expect(bounded.build().numeric.buffer).not.toBe(view.numeric.buffer);
  // Shards bigger than the builder's first room (1024 rows) read back whole through the GCS API.
  const { key, all } = await writeNumbered(700);
  const bigShards = await writeNumberedBig(2600);
  expect(bigShards.manifest.shards.map((s) => s.rows)).toEqual([2600, 400]);
  const source = await openDataset(store, bigShards.key, 64 * rowBytes(widths));
  expect((await rowsOf(source.chunks())).flat()).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  expect((await rowsOf((await openDataset(store, key, 64 * rowBytes(widths))).chunks())).flat()).toEqual(Array.from(all.numeric.filter((_, i) => i % 2 === 0)));
});

it('parses a shard in place when its bytes are aligned and from a copy when they are not', () => {
  const builder = new DatasetBuilder(widths);
  for (let i = 0; i < 10; i++) builder.push({ numeric: [i, -i], categorical: [i % 3], text: [], image: i - 1 }, i % 2);
  const original = builder.build();
  const bytes = serializeDataset(original);
  const aligned = Buffer.from(bytes);
  const unaligned = Buffer.alloc(bytes.length + 1).subarray(1);
  bytes.copy(unaligned);
  for (const input of [aligned, unaligned]) expect(parseDataset(input)).toEqual(original);
  expect(parseDataset(aligned).numeric.buffer).toBe(aligned.buffer);
  expect(parseDataset(unaligned).numeric.buffer).not.toBe(unaligned.buffer);
});

it('draws the same batches as one array when the split fits its budget', async () => {
  const { key, all } = await writeNumbered(128);
  const sharded = await openDataset(store, key, ROWS * rowBytes(widths));
  const whole = inMemorySource(all);
  expect(sharded.positives).toBe(whole.positives);
  for (const seed of [1, 2]) expect(await rowsOf(sharded.batches(seed, 100))).toEqual(await rowsOf(whole.batches(seed, 100)));
});

it('streams a split over its budget in shuffled groups of shards, every row once per epoch', async () => {
  const { key } = await writeNumbered(128);
  const budget = 2 * 128 * rowBytes(widths);
  const source: DatasetSource = await openDataset(store, key, budget);
  const epochs = [await rowsOf(source.batches(1, 100)), await rowsOf(source.batches(2, 100))];
  for (const batches of epochs) {
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(100);
    // A batch comes from one group of at most two shards (rows of at most two 128-row ranges).
    for (const batch of batches) expect(new Set(batch.map((row) => Math.floor(row / 128))).size).toBeLessThanOrEqual(2);
  }
  expect(epochs[0]!.flat()).not.toEqual(epochs[1]!.flat());
});

it('trains a month whose splits are many times its memory budget, streaming them by shard', { timeout: 300_000 }, async () => {
  await generateMonth(store, { month: '2026-03', impressions: 12_000, ads: 120, files: 1 });
  stack = await startWorkers(store, { datasetShardBytes: 64 * 1024, datasetMemoryBytes: 256 * 1024 });
  const run = await runMonth(stack, '2026-03', testSettings(stack));
  const transformed = run.summary.transform as TransformResult;
  const manifest = await getJson<DatasetManifest>(store, transformed.trainKey);
  expect(manifest.rows).toBe(transformed.trainRows);
  expect(manifest.shards.length).toBeGreaterThan(10);
  expect(manifest.rows * rowBytes(manifest.widths)).toBeGreaterThan(4 * 128 * 1024);
  const trained = run.summary.train as TrainResult;
  expect(trained.history.length).toBeGreaterThanOrEqual(2);
  // Calibrated on the streamed validation days: the mean prediction sits near the observed rate.
  const { candidate } = run.summary.evaluate as EvaluationSummary;
  expect(candidate.calibration).toBeGreaterThan(0.5);
  expect(candidate.calibration).toBeLessThan(2);
  expect(run.stage).toBe('done');
});
