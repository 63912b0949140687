// The feedback join in partitions equals a naive in-memory join: ids on one side only, predictions
// without an id, several predictions of one id by one version (the last served is kept) and by two versions.
import { beforeAll, expect, it } from 'vitest';
import type { Example } from '../core/features/example';
import type { LoggedPrediction } from '../core/feedback/log-entry';
import { partitionedJoin, type JoinedPrediction } from '../core/feedback/partitioned-join';
import { Random } from '../core/random';
import { listAll, type BlobStore } from '../core/storage/blob-store';
import { JsonLinesWriter } from '../core/storage/lines';
import { freshGcsStore } from './helpers/stack';

const PREDICTION_SHARDS = ['predictions/2026-07-01/a-000000.jsonl.gz', 'predictions/2026-07-02/a-000001.jsonl.gz'];
const EXAMPLE_SHARDS = ['artifacts/2026-07/examples/part-00000.jsonl.gz', 'artifacts/2026-07/examples/part-00001.jsonl.gz'];
const WORK = 'artifacts/2026-07/feedback/';

let store: BlobStore;
const predictions: LoggedPrediction[][] = [[], []];
const examples: Example[][] = [[], []];

beforeAll(async () => {
  store = await freshGcsStore();
  const random = new Random(7);
  const at = (hour: number) => new Date(Date.UTC(2026, 6, 1, hour)).toISOString();
  for (let i = 0; i < 400; i++) examples[i % 2]!.push({ id: `imp-${i}`, t: 0, y: random.chance(0.2) ? 1 : 0, f: {} });
  examples[0]!.push({ t: 0, y: 1, f: {} });
  // imp-300..imp-499: half are served but never show up in the month.
  for (let i = 100; i < 500; i++) {
    const shard = predictions[i % 2]!;
    shard.push({ requestId: `r-${i}`, id: `imp-${i}`, modelVersion: i < 250 ? 1 : 2, probability: random.next(), at: at(i % 24) });
    if (i % 10 === 0) shard.push({ requestId: `again-${i}`, id: `imp-${i}`, modelVersion: i < 250 ? 1 : 2, probability: random.next(), at: at((i % 24) + 1) });
    const stale = { requestId: `stale-${i}`, id: `imp-${i}`, modelVersion: i < 250 ? 1 : 2, probability: random.next(), at: at(0) };
    if (i % 10 === 5) predictions[1 - (i % 2)]!.push(stale);
    if (i % 7 === 0) shard.push({ requestId: `other-${i}`, id: `imp-${i}`, modelVersion: 3, probability: random.next(), at: at(2) });
    if (i % 50 === 0) shard.push({ requestId: `tie-${i}`, id: `imp-${i}`, modelVersion: 3, probability: random.next(), at: at(2) });
    if (i % 25 === 0) shard.push({ requestId: `anonymous-${i}`, modelVersion: 1, probability: random.next(), at: at(3) });
  }
  await Promise.all([...PREDICTION_SHARDS.map((key, s) => writeLines(key, predictions[s]!)), ...EXAMPLE_SHARDS.map((key, s) => writeLines(key, examples[s]!))]);
});

async function writeLines(key: string, rows: unknown[]): Promise<void> {
  const writer = new JsonLinesWriter(store, key);
  for (const row of rows) await writer.write(row);
  await writer.close();
}

/** Everything in memory: per version and id the last served (by time, then by reading order) joined to its label. */
function naiveJoin(): JoinedPrediction[] {
  const labels = new Map(
    examples
      .flat()
      .filter((e) => e.id !== undefined)
      .map((e) => [e.id!, e.y]),
  );
  const last = new Map<string, LoggedPrediction>();
  for (const entry of predictions.flat()) {
    const key = `${entry.modelVersion}/${entry.id}`;
    const kept = last.get(key);
    if (entry.id !== undefined && (!kept || Date.parse(entry.at) >= Date.parse(kept.at))) last.set(key, entry);
  }
  return [...last.values()]
    .filter((p) => labels.has(p.id!))
    .map((p) => ({ id: p.id!, modelVersion: p.modelVersion, probability: p.probability, label: labels.get(p.id!)! }));
}

const sorted = (rows: JoinedPrediction[]) => [...rows].sort((a, b) => a.modelVersion - b.modelVersion || a.id.localeCompare(b.id));

it.each([1, 3, 16])('in %i partitions, joins exactly what a naive in-memory join does', async (partitions) => {
  const joined: JoinedPrediction[] = [];
  const input = { store, predictionShards: PREDICTION_SHARDS, exampleShards: EXAMPLE_SHARDS, partitions, workPrefix: WORK };
  const counts = await partitionedJoin(input, (row) => joined.push(row));
  const expected = naiveJoin();
  expect(sorted(joined)).toEqual(sorted(expected));
  expect(new Set(joined.map((row) => row.modelVersion))).toEqual(new Set([1, 2, 3]));
  const logged = predictions.flat();
  const kept = new Set(logged.filter((p) => p.id !== undefined).map((p) => `${p.modelVersion}/${p.id}`)).size;
  expect(counts).toEqual({
    predictions: logged.length,
    unreadableShards: 0,
    withoutId: logged.filter((p) => p.id === undefined).length,
    superseded: logged.filter((p) => p.id !== undefined).length - kept,
    unmatched: kept - expected.length,
    joined: expected.length,
  });
  expect(counts.unmatched).toBeGreaterThan(0);
  expect(await listAll(store, WORK)).toEqual([]);
});

it('keeps the last prediction of an id by one version: the later one, and of equal times the one read later', async () => {
  const joined = new Map<string, number>();
  await partitionedJoin({ store, predictionShards: PREDICTION_SHARDS, exampleShards: EXAMPLE_SHARDS, partitions: 4, workPrefix: WORK }, (row) => {
    joined.set(`${row.modelVersion}/${row.id}`, row.probability);
  });
  const byRequest = new Map(predictions.flat().map((p) => [p.requestId, p.probability]));
  expect(joined.get('1/imp-110')).toBe(byRequest.get('again-110'));
  expect(joined.get('1/imp-105')).toBe(byRequest.get('r-105'));
  expect(byRequest.has('other-350')).toBe(true);
  expect(joined.get('3/imp-350')).toBe(byRequest.get('tie-350'));
  expect(joined.get('3/imp-147')).toBe(byRequest.get('other-147'));
});

it('skips a damaged log shard, counting it, and joins the rest', async () => {
  const damaged = 'predictions/2026-07-02/b-000000.jsonl.gz';
  await store.put(damaged, Buffer.from('this is not gzip'));
  const input = { store, predictionShards: [...PREDICTION_SHARDS, damaged], exampleShards: EXAMPLE_SHARDS, partitions: 2, workPrefix: WORK };
  const joined: JoinedPrediction[] = [];
  const counts = await partitionedJoin(input, (row) => joined.push(row));
  expect(counts.unreadableShards).toBe(1);
  expect(sorted(joined)).toEqual(sorted(naiveJoin()));
  expect(await listAll(store, WORK)).toEqual([]);
});
