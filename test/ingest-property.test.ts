// Property: whatever the dirt (every kind mixed in at 0.1% to 5%, unclosed quotes often several in a
// row, duplicate ids within and across files and parts), ingest accepts exactly the clean rows, refuses
// every dirty record at its exact file and line with a reason, and keeps every entry small. Runs the real
// ingest stage (the pipeline's child workflow) through Temporal, with files cut into parts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listExampleShards, readExamples } from '../core/pipeline/examples';
import type { QuarantineEntry } from '../core/pipeline/quarantine';
import { listAll, putJson, type BlobStore } from '../core/storage/blob-store';
import { readJsonLines } from '../core/storage/lines';
import { DIRT_KINDS, DIRTY_HEADER, dirtySpec, writeDirtyMonth } from './helpers/dirty-csv';
import { runIngest } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const MAX_RECORD_BYTES = 2048;
// Small enough that every file is cut into parts and the ids spread over several shards.
const SPLIT = { splitBytes: 60_000, rowsPerPart: 300, maxRecordBytes: MAX_RECORD_BYTES, idShardBytes: 100_000 };
const WHOLE = { ...SPLIT, splitBytes: Number.MAX_SAFE_INTEGER };

let stack: TestStack;
let store: BlobStore;
beforeAll(async () => {
  store = await freshGcsStore();
  stack = await startWorkers(store, { training: false });
});
afterAll(async () => stack?.stop());

it.each([
  { seed: 11, dirtRate: 0.001, month: '2025-01' },
  { seed: 12, dirtRate: 0.005, month: '2025-02' },
  { seed: 13, dirtRate: 0.02, month: '2025-03' },
  { seed: 14, dirtRate: 0.05, month: '2025-04' },
  { seed: 15, dirtRate: 0.05, month: '2025-05' },
])('seed $seed, dirt $dirtRate: accepts exactly the clean rows and refuses each dirty record at its line', async ({ seed, dirtRate, month }) => {
  const written = await writeDirtyMonth(store, { month, seed, files: 3, rowsPerFile: 1500, dirtRate, maxRecordBytes: MAX_RECORD_BYTES });
  const summary = await runIngest(stack, month, SPLIT);
  if (dirtRate >= 0.05) expect(new Set(written.dirty.values()).size).toBe(DIRT_KINDS.length + 1);
  expect(summary.parts).toBeGreaterThan(written.files.length);
  expect(summary.rows).toBe(written.records);
  expect(summary.accepted + summary.quarantined).toBe(written.records);

  const accepted = await acceptedIds(store, month);
  expect(new Set(accepted).size).toBe(accepted.length);
  expect(accepted.sort()).toEqual([...written.cleanIds].sort());

  const entries = await quarantine(store, month);
  expect(entries).toHaveLength(summary.quarantined);
  expect(entries.map((e) => `${e.file}:${e.line}`).sort()).toEqual([...written.dirty.keys()].sort());
  for (const entry of entries) {
    expect(entry.reason.length).toBeGreaterThan(5);
    expect(JSON.stringify(entry).length).toBeLessThan(4096);
  }
  expect(Object.values(summary.quarantineReasons).reduce((a, b) => a + b, 0)).toBe(summary.quarantined);
  if (dirtRate >= 0.02) expect(summary.quarantineReasons['duplicate id']).toBeGreaterThan(0);
});

it('reads a file cut into parts exactly as it reads it whole', async () => {
  const options = { month: '2025-06', seed: 16, files: 2, rowsPerFile: 1500, dirtRate: 0.05, maxRecordBytes: MAX_RECORD_BYTES };
  const wholeStore = await freshGcsStore();
  await writeDirtyMonth(store, options);
  await writeDirtyMonth(wholeStore, options);
  const wholeStack = await startWorkers(wholeStore, { training: false });
  try {
    const [split, whole] = await Promise.all([runIngest(stack, options.month, SPLIT), runIngest(wholeStack, options.month, WHOLE)]);
    expect(whole.parts).toBe(2);
    expect(split.parts).toBeGreaterThan(2);
    // Shards follow the parts, so only their contents must agree.
    const counts = (summary: typeof split) => ({ ...summary, parts: 0, specSource: '', examples: [] });
    expect(counts(split)).toEqual(counts(whole));
    expect(split.examples!.length).toBeGreaterThan(whole.examples!.length);
    expect((await acceptedIds(store, options.month)).sort()).toEqual((await acceptedIds(wholeStore, options.month)).sort());
    const byLine = (entries: QuarantineEntry[]) => entries.map((e) => `${e.file}:${e.line} ${e.reason}`).sort();
    expect(byLine(await quarantine(store, options.month))).toEqual(byLine(await quarantine(wholeStore, options.month)));
  } finally {
    await wholeStack.stop();
  }
});

async function acceptedIds(store: BlobStore, month: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const example of readExamples(store, await listExampleShards(store, month))) ids.push(example.id!);
  return ids;
}

async function quarantine(store: BlobStore, month: string): Promise<QuarantineEntry[]> {
  const entries: QuarantineEntry[] = [];
  for (const object of await listAll(store, `artifacts/${month}/quarantine/`)) {
    for await (const entry of readJsonLines<QuarantineEntry>(store, object.key)) entries.push(entry);
  }
  return entries;
}

it('costs one bounded quarantine entry for a 10 MB line, not a failed month', async () => {
  const month = '2025-07';
  const row = (id: string, note: string) => `${id},2025-07-02T10:00:00Z,web,${note},5,0\n`;
  await putJson(store, `raw/${month}/spec.json`, dirtySpec);
  await store.put(`raw/${month}/big-line.csv`, `${DIRTY_HEADER}\n${row('a', 'ok')}${row('b', 'x'.repeat(10 * 1024 * 1024))}${row('c', 'ok')}`);
  const summary = await runIngest(stack, month, { ...SPLIT, maxRecordBytes: 1024 * 1024 });
  expect(summary).toMatchObject({ rows: 3, accepted: 2, quarantined: 1, quarantineReasons: { 'record longer than N bytes': 1 } });
  const [entry] = await quarantine(store, month);
  expect(entry).toMatchObject({ line: 3, reason: `record longer than 1048576 bytes: ${row('b', 'x'.repeat(10 * 1024 * 1024)).length - 1} bytes` });
  expect(JSON.stringify(entry).length).toBeLessThan(4096);
});

it('fails a file whose only line is 10 MB long at once, not retried, with a short message', async () => {
  const month = '2025-08';
  await putJson(store, `raw/${month}/spec.json`, dirtySpec);
  await store.put(`raw/${month}/one-line.csv`, `${DIRTY_HEADER},${'y'.repeat(10 * 1024 * 1024)}`);
  const failure = await runIngest(stack, month, SPLIT).then(
    () => undefined,
    (error: Error) => error,
  );
  const messages: string[] = [];
  for (let e: Error | undefined = failure; e; e = (e as { cause?: Error }).cause) messages.push(e.message);
  expect(messages.join(' <- ')).toMatch(/one-line.csv has an unreadable header: longer than 2048 bytes/);
  expect(messages.join('').length).toBeLessThan(2000);
});
