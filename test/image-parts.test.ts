// Images in parts through Temporal: each part decodes into its own pixel shard, rows match a direct
// decode, a re-run reuses finished parts, and the content cache means an unchanged ad is never decoded
// again in a later month (a month whose images all match earlier ones decodes none).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImageSummary } from '../activities/images';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { decodeAdImage } from '../core/features/image';
import type { ImageIndex } from '../core/features/image-index';
import { loadImageRows, loadPixels, monthImages } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import { pipelineSettings } from '../core/pipeline/settings';
import { BlobNotFoundError, getJson, listAll } from '../core/storage/blob-store';
import { runIngest } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const IMAGES_PER_PART = 20;
const ingest = pipelineSettings(loadConfig({ INGEST_IMAGES_PER_PART: String(IMAGES_PER_PART) }), 'test').ingest!;
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;

// Every month serves the same 90 ads (no new ones), so their banners are the same bytes month after month.
const month = (name: string, dirt: { missingImages: number; corruptImages: number }) =>
  generateMonth(store, { month: name, impressions: 2500, ads: 90, files: 1, newAdShare: 0, dirt });

beforeAll(async () => {
  store = await freshGcsStore();
  await month('2026-07', { missingImages: 0.05, corruptImages: 0.05 });
  await month('2026-08', { missingImages: 0, corruptImages: 0 });
  await month('2026-09', { missingImages: 0, corruptImages: 0 });
  stack = await startWorkers(store, { training: false });
});
afterAll(async () => stack?.stop());

/** What a direct decode of the month's referenced images finds, and the content of each file. */
async function directDecode(name: string, size: number) {
  const referenced = new Set<string>();
  for (const refs of await listAll(store, monthArtifacts(name).imageRefsPrefix))
    for (const key of await getJson<string[]>(store, refs.key)) referenced.add(key);
  const found = new Map<string, { pixels?: Uint8Array; sha256?: string; outcome: 'ok' | 'missing' | 'corrupt' }>();
  for (const key of referenced) {
    const bytes = await store.get(key).catch((error: unknown) => (error instanceof BlobNotFoundError ? undefined : Promise.reject(error)));
    if (!bytes) found.set(key, { outcome: 'missing' });
    else {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const pixels = await decodeAdImage(bytes, size).catch(() => undefined);
      found.set(key, { pixels, sha256, outcome: pixels ? 'ok' : 'corrupt' });
    }
  }
  return found;
}

const count = (found: Awaited<ReturnType<typeof directDecode>>, outcome: string) => [...found.values()].filter((f) => f.outcome === outcome).length;

it('decodes a month in parts whose shards hold exactly the directly decoded pixels, and reuses finished parts', async () => {
  const first = (await runIngest(stack, '2026-07', ingest)).images as ImageSummary;
  const images = await monthImages(store, '2026-07');
  const index = await getJson<ImageIndex>(store, images!.indexKey);
  const direct = await directDecode('2026-07', index.size);

  expect(count(direct, 'missing')).toBeGreaterThan(0);
  expect(count(direct, 'corrupt')).toBeGreaterThan(0);
  expect(first).toMatchObject({ referenced: direct.size, ok: count(direct, 'ok'), missing: count(direct, 'missing'), corrupt: count(direct, 'corrupt') });
  // A fresh bucket has nothing cached: every file that exists was decoded once.
  expect(first.decoded).toBe(count(direct, 'ok') + count(direct, 'corrupt'));
  expect(index.shards).toHaveLength(Math.ceil(direct.size / IMAGES_PER_PART));
  expect(index.keys).toEqual(
    [...direct]
      .filter(([, f]) => f.outcome === 'ok')
      .map(([key]) => key)
      .sort(),
  );

  const pixels = await loadPixels(store, images, index.size);
  const { rowOf } = await loadImageRows(store, images);
  for (const [key, found] of direct) {
    if (found.outcome !== 'ok') expect(rowOf(key)).toBe(-1);
    else expect(Buffer.from(pixels!(rowOf(key))).equals(Buffer.from(found.pixels!))).toBe(true);
  }

  // A second run of the same month reads no image: every part's shard is the one written before.
  const before = await Promise.all(index.shards!.map((shard) => store.stat(shard.key)));
  const again = (await runIngest(stack, '2026-07', ingest)).images as ImageSummary;
  expect(again).toMatchObject({ ok: first.ok, missing: first.missing, corrupt: first.corrupt, decoded: 0 });
  const after = await Promise.all(index.shards!.map((shard) => store.stat(shard.key)));
  expect(after.map((s) => s?.generation)).toEqual(before.map((s) => s?.generation));
});

it('decodes in a later month only the files whose content was never seen, and nothing once every image is cached', async () => {
  const seen = new Set([...(await directDecode('2026-07', 32)).values()].map((f) => f.sha256).filter(Boolean));
  const second = (await runIngest(stack, '2026-08', ingest)).images as ImageSummary;
  const august = await directDecode('2026-08', 32);
  const unseen = [...august.values()].filter((f) => f.sha256 && !seen.has(f.sha256)).length;
  // August's clean copies of July's broken banners are new content; the rest is July's bytes again.
  expect(unseen).toBeGreaterThan(0);
  expect(unseen).toBeLessThan(august.size);
  expect(second).toMatchObject({ referenced: august.size, ok: august.size, missing: 0, corrupt: 0, decoded: unseen });

  // September serves the same ads; any it shows that neither earlier month did are the only new content.
  const third = (await runIngest(stack, '2026-09', ingest)).images as ImageSummary;
  const september = await directDecode('2026-09', 32);
  const seenBefore = new Set([...seen, ...[...august.values()].map((f) => f.sha256)]);
  expect(third).toMatchObject({
    referenced: september.size,
    ok: september.size,
    decoded: [...september.values()].filter((f) => !seenBefore.has(f.sha256)).length,
  });

  // With its parts' outputs gone, September is processed again: every image is now in the cache, none is decoded.
  for (const object of await listAll(store, 'artifacts/2026-09/images/')) if (!object.key.includes('/refs-')) await store.delete(object.key);
  const cachedOnly = (await runIngest(stack, '2026-09', ingest)).images as ImageSummary;
  expect(cachedOnly).toMatchObject({ referenced: september.size, ok: september.size, decoded: 0 });
  const images = await monthImages(store, '2026-09');
  const pixels = await loadPixels(store, images, 32);
  const { rowOf } = await loadImageRows(store, images);
  for (const [key, found] of september) expect(Buffer.from(pixels!(rowOf(key))).equals(Buffer.from(found.pixels!))).toBe(true);
});
