// The model registry against both stores: numbering, file copies, idempotency, the champion alias
// under racing promotions, rejection, and the append-only history.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { getJson, listAll, type BlobInfo, type BlobStore, type PutOptions } from '../core/storage/blob-store';
import { ConcurrentPromotionError, InvalidTransitionError } from '../core/registry/errors';
import { ModelRegistry } from '../core/registry/model-registry';
import type { VersionMetadataInput } from '../core/registry/types';
import { freshGcsStore, freshLocalStore } from './helpers/stack';

/** Real artifacts in the bucket, as training leaves them: a tfjs model, its weights, transform and spec. */
async function putArtifacts(store: BlobStore, run: string) {
  const contents = new Map<string, Buffer>([
    ['model.json', Buffer.from(JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths: ['group1-shard1of1.bin'] }] }))],
    ['group1-shard1of1.bin', randomBytes(300_000)],
    ['transform.json', Buffer.from(JSON.stringify({ run, vocabularies: { country: ['de', 'fr'] } }))],
    ['spec.json', Buffer.from(JSON.stringify({ name: 'default', columns: [] }))],
  ]);
  for (const [name, body] of contents) await store.put(`artifacts/${run}/${name}`, body);
  const files = [...contents.keys()].map((name) => ({ name, sourceKey: `artifacts/${run}/${name}` }));
  return { files, contents };
}

function metadata(dataMonth: string, createdAt?: string): VersionMetadataInput {
  return {
    dataMonth,
    specName: 'default',
    metrics: { auc: 0.71, logLoss: 0.42, slices: { de: 0.7 } },
    codeVersion: 'abc123',
    lineage: { workflowId: `monthly-${dataMonth}`, runId: 'run-1', artifacts: { dataset: `gs://bucket/raw/${dataMonth}/` }, comparedAgainst: null },
    createdAt,
  };
}

/** Passes everything to a real store, but lets a test step in before each write. */
class InterceptingStore implements BlobStore {
  constructor(
    private readonly inner: BlobStore,
    private readonly beforePut: (key: string, body: Buffer | string | Readable) => Promise<void>,
  ) {}
  get url() {
    return this.inner.url;
  }
  async put(key: string, body: Buffer | string | Readable, options?: PutOptions): Promise<BlobInfo> {
    await this.beforePut(key, body);
    return this.inner.put(key, body, options);
  }
  getStream(key: string) {
    return this.inner.getStream(key);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  stat(key: string) {
    return this.inner.stat(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe.each([
  { name: 'GcsStore (fake-gcs-server)', open: freshGcsStore },
  { name: 'LocalStore', open: freshLocalStore },
])('ModelRegistry on $name', ({ open }) => {
  it('numbers versions v1, v2… and copies their files byte for byte', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const first = await putArtifacts(store, 'run-a');
    const second = await putArtifacts(store, 'run-b');

    const v1 = await registry.register({ files: first.files, metadata: metadata('2026-09', '2026-10-01T02:00:00.000Z') });
    const v2 = await registry.register({ files: second.files, metadata: metadata('2026-10') });

    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ status: 'candidate', metadata: { dataMonth: '2026-09', createdAt: '2026-10-01T02:00:00.000Z', metrics: { auc: 0.71 } } });
    expect(Date.parse(v2.metadata.createdAt)).not.toBeNaN();
    expect(registry.fileKey(1, 'model.json')).toBe('registry/versions/000001/files/model.json');
    for (const [name, bytes] of second.contents) {
      expect((await store.get(registry.fileKey(2, name))).equals(bytes)).toBe(true);
      expect(v2.files.find((file) => file.name === name)).toMatchObject({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    expect((await registry.list()).map((v) => [v.version, v.status])).toEqual([
      [2, 'candidate'],
      [1, 'candidate'],
    ]);
    expect(await registry.get(1)).toEqual(v1);
    expect(await registry.get(3)).toBeUndefined();
  });

  it('gives concurrent registrations distinct numbers, each with all its files', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const runs = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((run) => putArtifacts(store, run)));

    const versions = await Promise.all(runs.map((run, i) => registry.register({ files: run.files, metadata: metadata(`2026-0${i + 1}`) })));

    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
    for (const [i, version] of versions.entries()) {
      for (const [name, bytes] of runs[i]!.contents) expect((await store.get(registry.fileKey(version.version, name))).equals(bytes)).toBe(true);
    }
    expect(await registry.list()).toHaveLength(4);
    expect((await registry.history()).filter((e) => e.event === 'registered')).toHaveLength(4);
  });

  it('returns the existing version when the same idempotency key registers again, even concurrently', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const { files } = await putArtifacts(store, 'run-a');
    const input = { files, metadata: metadata('2026-10'), idempotencyKey: 'monthly-2026-10/2026-10' };

    const first = await registry.register(input);
    const again = await registry.register(input);
    const racing = await Promise.all([1, 2, 3].map(() => registry.register({ ...input, idempotencyKey: 'other-workflow/2026-10' })));

    expect(again).toEqual(first);
    expect(new Set(racing.map((v) => v.version)).size).toBe(1);
    expect(await registry.list()).toHaveLength(2);
    expect((await registry.history()).map((e) => [e.event, e.version])).toEqual([
      ['registered', 1],
      ['registered', racing[0]!.version],
    ]);
    expect((await listAll(store, 'registry/idempotency/')).map((b) => b.key)).toHaveLength(2);
  });

  it('finishes a registration that failed half-way when it is retried with its idempotency key', async () => {
    const store = await open();
    const { files, contents } = await putArtifacts(store, 'run-a');
    // The first attempt's upload of the weights fails after the number is claimed.
    const failing = new InterceptingStore(store, async (key, body) => {
      if (!key.endsWith('group1-shard1of1.bin')) return;
      if (body instanceof Readable) await buffer(body);
      throw new Error('connection reset');
    });
    const input = { files, metadata: metadata('2026-10'), idempotencyKey: 'wf/2026-10' };

    await expect(new ModelRegistry(failing).register(input)).rejects.toThrow('connection reset');
    const registry = new ModelRegistry(store);
    expect(await registry.get(1)).toBeUndefined();
    expect(await registry.list()).toEqual([]);

    const retried = await registry.register(input);
    expect(retried).toMatchObject({ version: 1, status: 'candidate' });
    expect((await store.get(registry.fileKey(1, 'group1-shard1of1.bin'))).equals(contents.get('group1-shard1of1.bin')!)).toBe(true);
    expect((await registry.register({ files, metadata: metadata('2026-11') })).version).toBe(2);
  });

  it('hides a version while its files are being copied', async () => {
    const store = await open();
    const { files } = await putArtifacts(store, 'run-a');
    const copying = deferred();
    const release = deferred();
    const gated = new InterceptingStore(store, async (key) => {
      if (!key.includes('/files/')) return;
      copying.resolve();
      await release.promise;
    });
    const registry = new ModelRegistry(store);

    const registering = new ModelRegistry(gated).register({ files, metadata: metadata('2026-10') });
    await copying.promise;
    expect(await getJson(store, 'registry/versions/000001/version.json')).toMatchObject({ status: 'registering' });
    expect(await registry.get(1)).toBeUndefined();
    expect(await registry.list()).toEqual([]);
    await expect(registry.promote(1, { reason: 'too early' })).rejects.toThrow('No registered model version v1');

    release.resolve();
    await registering;
    expect(await registry.get(1)).toMatchObject({ version: 1, status: 'candidate' });
  });

  it('promotes to champion, retires the previous one, and reports the alias generation', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const { files } = await putArtifacts(store, 'run-a');
    await registry.register({ files, metadata: metadata('2026-09') });
    await registry.register({ files, metadata: metadata('2026-10') });
    expect(await registry.champion()).toBeUndefined();

    const first = await registry.promote(1, { reason: 'first model', expectedCurrent: null });
    expect(await registry.champion()).toEqual(first);
    expect(first).toMatchObject({ version: 1, previous: null, reason: 'first model', revision: 1 });
    expect(await registry.championGeneration()).toBe(first.generation);

    const second = await registry.promote(2, { reason: 'beats v1 on AUC', expectedCurrent: 1, actor: 'workflow:monthly-2026-10' });
    expect(second).toMatchObject({ version: 2, previous: 1, revision: 2, actor: 'workflow:monthly-2026-10' });
    expect(second.generation).not.toBe(first.generation);
    expect((await registry.list()).map((v) => [v.version, v.status])).toEqual([
      [2, 'champion'],
      [1, 'retired'],
    ]);
    expect(await getJson(store, 'registry/versions/000001/version.json')).toMatchObject({ status: 'retired' });
    expect(await getJson(store, 'registry/aliases/champion.json')).toMatchObject({ version: 2, previous: 1 });

    // A retried promotion of the current champion changes nothing.
    expect(await registry.promote(2, { reason: 'retry', expectedCurrent: 1 })).toEqual(second);
    expect((await registry.history()).filter((e) => e.event === 'promoted')).toHaveLength(2);
  });

  it('lets exactly one of two promotions from the same observed state win', async () => {
    const store = await open();
    const { files } = await putArtifacts(store, 'run-a');
    const setup = new ModelRegistry(store);
    for (const month of ['2026-08', '2026-09', '2026-10']) await setup.register({ files, metadata: metadata(month) });
    await setup.promote(1, { reason: 'first' });
    // Both promoters have read the alias before either writes it.
    const bothRead = deferred();
    let waiting = 0;
    const barrier = new InterceptingStore(store, async (key) => {
      if (key !== 'registry/aliases/champion.json') return;
      if (++waiting === 2) bothRead.resolve();
      await bothRead.promise;
    });
    const registry = new ModelRegistry(barrier);

    const results = await Promise.allSettled([registry.promote(2, { reason: 'a' }), registry.promote(3, { reason: 'b' })]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(ConcurrentPromotionError)]);
    const winner = (won[0] as PromiseFulfilledResult<{ version: number }>).value.version;
    expect((await setup.champion())?.version).toBe(winner);
    expect((await setup.history()).filter((e) => e.event === 'promoted').map((e) => e.version)).toEqual([1, winner]);
  });

  it('refuses a promotion whose expected champion is stale', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const { files } = await putArtifacts(store, 'run-a');
    for (const month of ['2026-08', '2026-09', '2026-10']) await registry.register({ files, metadata: metadata(month) });
    await registry.promote(1, { reason: 'first', expectedCurrent: null });
    await registry.promote(2, { reason: 'better', expectedCurrent: 1 });

    await expect(registry.promote(3, { reason: 'decided against v1', expectedCurrent: 1 })).rejects.toBeInstanceOf(ConcurrentPromotionError);
    await expect(registry.promote(3, { reason: 'thought there was none', expectedCurrent: null })).rejects.toBeInstanceOf(ConcurrentPromotionError);
    expect((await registry.champion())?.version).toBe(2);
    expect((await registry.get(3))?.status).toBe('candidate');
  });

  it('keeps rejected versions listed with reasons and promotes them only by force', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const { files } = await putArtifacts(store, 'run-a');
    for (const month of ['2026-08', '2026-09', '2026-10']) await registry.register({ files, metadata: metadata(month) });
    await registry.promote(3, { reason: 'best' });

    const rejected = await registry.reject(2, ['AUC 0.64 < champion 0.71', 'slice de regressed'], { actor: 'evaluator' });
    // A retry keeps the first reasons and records the rejection once.
    await registry.reject(2, ['something else']);
    expect(rejected.rejection).toMatchObject({ reasons: ['AUC 0.64 < champion 0.71', 'slice de regressed'], actor: 'evaluator' });
    expect((await registry.list()).map((v) => [v.version, v.status])).toEqual([
      [3, 'champion'],
      [2, 'rejected'],
      [1, 'candidate'],
    ]);
    expect((await registry.get(2))?.rejection?.reasons).toEqual(['AUC 0.64 < champion 0.71', 'slice de regressed']);
    await expect(registry.reject(3, ['no'])).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(registry.reject(1, [])).rejects.toBeInstanceOf(InvalidTransitionError);

    await expect(registry.promote(2, { reason: 'try anyway' })).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await registry.champion())?.version).toBe(3);
    const forced = await registry.promote(2, { reason: 'v3 misbehaves in production', force: true, actor: 'alice@example.com' });
    expect(forced).toMatchObject({ version: 2, previous: 3 });
    expect((await registry.list()).map((v) => [v.version, v.status])).toEqual([
      [3, 'retired'],
      [2, 'champion'],
      [1, 'candidate'],
    ]);
    const events = (await registry.history()).map((e) => [e.event, e.version, e.actor]);
    expect(events.slice(3)).toEqual([
      ['promoted', 3, 'pipeline'],
      ['rejected', 2, 'evaluator'],
      ['rolled-back', 2, 'alice@example.com'],
    ]);
  });

  it('keeps an append-only, ordered history that answers which version was champion when', async () => {
    const store = await open();
    const registry = new ModelRegistry(store);
    const { files } = await putArtifacts(store, 'run-a');
    const t = (iso: string) => new Date(iso);
    await registry.register({ files, metadata: metadata('2026-08', '2026-09-01T00:00:00.000Z') });
    await registry.register({ files, metadata: metadata('2026-09', '2026-10-01T00:00:00.000Z') });
    await registry.promote(1, { reason: 'first', at: t('2026-09-01T01:00:00.000Z') });
    const early = await listAll(store, 'registry/history/');

    await registry.promote(2, { reason: 'better', at: t('2026-10-01T01:00:00.000Z') });
    await registry.promote(1, { reason: 'v2 misbehaves', at: t('2026-10-05T00:00:00.000Z') });

    const history = await registry.history();
    expect(history.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(history.map((e) => [e.event, e.version, e.previousChampion])).toEqual([
      ['registered', 1, null],
      ['registered', 2, null],
      ['promoted', 1, null],
      ['promoted', 2, 1],
      ['rolled-back', 1, 2],
    ]);
    expect((await listAll(store, 'registry/history/')).map((b) => b.key)).toEqual(
      ['000001', '000002', '000003', '000004', '000005'].map((n) => `registry/history/${n}.json`),
    );
    // Earlier entries were never rewritten.
    expect((await listAll(store, 'registry/history/')).slice(0, early.length)).toEqual(early);

    expect(await registry.championAt(t('2026-09-01T00:59:59.999Z'))).toBeUndefined();
    expect(await registry.championAt(t('2026-09-01T01:00:00.000Z'))).toBe(1);
    expect(await registry.championAt(t('2026-09-20T00:00:00.000Z'))).toBe(1);
    expect(await registry.championAt(t('2026-10-03T00:00:00.000Z'))).toBe(2);
    expect(await registry.championAt(t('2026-12-31T00:00:00.000Z'))).toBe(1);
  });
});
