// Dropping duplicate ids rewrites a part's examples shard once: a retry after success changes nothing,
// and a stale attempt (one that read the shard before another attempt replaced it) cannot overwrite it.
import { Readable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createDedupeActivities } from '../activities/dedupe-ids';
import type { Example } from '../core/features/example';
import type { DuplicateId } from '../core/pipeline/id-lists';
import { PreconditionFailedError, type BlobStore } from '../core/storage/blob-store';
import { JsonLinesWriter, readJsonLines } from '../core/storage/lines';
import { freshGcsStore, freshLocalStore } from './helpers/stack';

const example = (id: string): Example => ({ id, t: 0, y: 0, f: {} });

async function writeLines(store: BlobStore, key: string, values: unknown[]) {
  const writer = new JsonLinesWriter(store, key);
  for (const value of values) await writer.write(value);
  return writer.close();
}

async function readAll<T>(store: BlobStore, key: string): Promise<T[]> {
  const out: T[] = [];
  for await (const value of readJsonLines<T>(store, key)) out.push(value);
  return out;
}

describe.each([
  ['a local directory', freshLocalStore],
  ['a GCS bucket', freshGcsStore],
] as const)('on %s', (_, freshStore) => {
  it('drops each duplicate once, even when the activity runs again', async () => {
    const store = await freshStore();
    const key = 'artifacts/2026-01/examples/part-00001.jsonl.gz';
    const written = await writeLines(store, key, ['a', 'b', 'a2', 'c', 'b2'].map(example));
    const duplicates: DuplicateId[] = [
      { ordinal: 2, line: 9, id: 'a', kept: { file: 'raw/2026-01/x.csv', line: 2 } },
      { ordinal: 4, line: 12, id: 'b', kept: { file: 'raw/2026-01/x.csv', line: 3 } },
    ];
    await writeLines(store, 'dupes.jsonl.gz', duplicates);
    const input = { month: '2026-01', part: 1, file: 'raw/2026-01/y.csv', examples: { key, generation: written.generation }, duplicates: ['dupes.jsonl.gz'] };
    const { dropDuplicates } = createDedupeActivities({ store });
    const expected = { part: 1, dropped: 2, reasons: { 'duplicate id': 2 } };
    expect(await new MockActivityEnvironment().run(dropDuplicates, input)).toEqual(expected);
    expect(await new MockActivityEnvironment().run(dropDuplicates, input)).toEqual(expected);
    expect((await readAll<Example>(store, key)).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    const quarantined = await readAll<{ line: number; reason: string }>(store, 'artifacts/2026-01/quarantine/part-00001-duplicate-ids.jsonl');
    expect(quarantined.map((q) => [q.line, q.reason])).toEqual([
      [9, 'duplicate id: "a" was first accepted at raw/2026-01/x.csv line 2'],
      [12, 'duplicate id: "b" was first accepted at raw/2026-01/x.csv line 3'],
    ]);
  });

  it('refuses a streamed rewrite over a version it did not read', async () => {
    const store = await freshStore();
    const first = await store.put('shard.jsonl', 'one\n');
    await store.put('shard.jsonl', 'two\n');
    await expect(store.put('shard.jsonl', Readable.from(['three\n']), { ifGeneration: first.generation })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await store.get('shard.jsonl')).toString()).toBe('two\n');
  });
});
