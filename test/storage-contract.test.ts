// One contract, two stores: the GCS store against a real GCS API server, and the local directory store.
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { BlobNotFoundError, listAll, PreconditionFailedError, type BlobStore } from '../core/storage/blob-store';
import { freshGcsStore, freshLocalStore } from './helpers/stack';

describe.each([
  { name: 'GcsStore (fake-gcs-server)', open: freshGcsStore },
  { name: 'LocalStore', open: freshLocalStore },
])('$name', ({ open }) => {
  it('writes, lists by prefix in key order, and stream-reads', async () => {
    const store: BlobStore = await open();
    await store.put('raw/2026-10/b.csv', 'id\n2\n');
    await store.put('raw/2026-10/a.csv', Buffer.from('id\n1\n'));
    await store.put('raw/2026-11/a.csv', 'id\n3\n');
    await store.put('raw/2026-10/big.csv', Readable.from(['id\n', ...Array.from({ length: 1000 }, (_, i) => `${i}\n`)]));

    const listed = await listAll(store, 'raw/2026-10/');
    expect(listed.map((b) => b.key)).toEqual(['raw/2026-10/a.csv', 'raw/2026-10/b.csv', 'raw/2026-10/big.csv']);
    expect(listed[0]?.size).toBe(5);
    expect(await text(store.getStream('raw/2026-10/b.csv'))).toBe('id\n2\n');
    expect((await text(store.getStream('raw/2026-10/big.csv'))).split('\n')).toHaveLength(1002);
  });

  it('refuses a write whose generation precondition no longer holds', async () => {
    const store = await open();
    const first = await store.put('registry/aliases/champion.json', '{"version":1}', { ifGeneration: '0' });
    await expect(store.put('registry/aliases/champion.json', '{"version":9}', { ifGeneration: '0' })).rejects.toBeInstanceOf(PreconditionFailedError);

    const second = await store.put('registry/aliases/champion.json', '{"version":2}', { ifGeneration: first.generation });
    expect(second.generation).not.toBe(first.generation);
    // The first writer's generation is now stale: a racing promotion loses.
    await expect(store.put('registry/aliases/champion.json', '{"version":3}', { ifGeneration: first.generation })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect((await store.get('registry/aliases/champion.json')).toString()).toBe('{"version":2}');
  });

  it('lets exactly one of several racing compare-and-swap writes win', async () => {
    const store = await open();
    const base = await store.put('alias.json', 'v0');
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((v) => store.put('alias.json', v, { ifGeneration: base.generation })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailedError)).toBe(true);
  });

  it('reports missing objects as BlobNotFoundError, for get and for streams', async () => {
    const store = await open();
    await expect(store.get('nope.json')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(text(store.getStream('nope.json'))).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.stat('nope.json')).toBeUndefined();
    await store.delete('nope.json');
  });
});
