// Images in parts: the month's referenced images are planned into parts of bounded size, each part
// decodes its images (through the content cache) into its own pixel shard on any pipeline worker, and
// an index names the shards in row order. No step holds more than one part's pixels.
import { createHash } from 'node:crypto';
import { log } from '@temporalio/activity';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { getJson, getJsonIfExists, listAll, putJson, type BlobStore } from '../core/storage/blob-store';
import { forEachConcurrently } from '../core/concurrency';
import { imageColumn, parseFeatureSpec } from '../core/features/spec';
import { monthArtifacts } from '../core/pipeline/layout';
import type { ImageIndex } from '../core/features/image-index';
import { decodeThroughCache } from '../core/images/cached-decode';
import type { ImageSummary } from './images';

const CONCURRENCY = 8;
const MAX_LISTED_FAILURES = 200;

export interface ImagePlan {
  size: number;
  parts: number;
  referenced: number;
}

export interface ImagePartResult {
  part: number;
  ok: number;
  missing: number;
  corrupt: number;
  /** Images decoded by this part; the rest came from the content cache. */
  decoded: number;
  /** The part's output was already in the bucket for the same plan: nothing was read. */
  reused: boolean;
}

interface StoredPart extends Omit<ImagePartResult, 'reused'> {
  planSha256: string;
  keys: string[];
  failures: { key: string; reason: string }[];
}

export function createImagePartActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    /** The month's distinct referenced images, sorted, cut into parts of at most imagesPerPart. */
    async planImages(input: { month: string; specKey: string; imagesPerPart: number }): Promise<ImagePlan | null> {
      const column = imageColumn(parseFeatureSpec(await getJson(store, input.specKey)));
      if (!column) return null;
      const keys = monthArtifacts(input.month);
      const referenced = new Set<string>();
      for (const refs of await listAll(store, keys.imageRefsPrefix)) {
        for (const key of await getJson<string[]>(store, refs.key)) referenced.add(key);
      }
      const ordered = [...referenced].sort();
      const parts = Math.ceil(ordered.length / input.imagesPerPart);
      for (let part = 0; part < parts; part++) {
        await putJson(store, keys.imagePlan(part), ordered.slice(part * input.imagesPerPart, (part + 1) * input.imagesPerPart));
      }
      return { size: column.size, parts, referenced: ordered.length };
    },

    /** Decodes one part's images into its pixel shard; a retry or re-run of the same plan reuses a finished part. */
    async processImagePart(input: { month: string; part: number; size: number }): Promise<ImagePartResult> {
      const keys = monthArtifacts(input.month);
      const planBytes = await store.get(keys.imagePlan(input.part));
      const planSha256 = createHash('sha256').update(planBytes).update(`@${input.size}`).digest('hex');
      const done = await getJsonIfExists<StoredPart>(store, keys.imagePartResult(input.part));
      if (done?.planSha256 === planSha256 && (await store.stat(keys.imagePixelsShard(input.part)))) {
        return { part: done.part, ok: done.ok, missing: done.missing, corrupt: done.corrupt, decoded: 0, reused: true };
      }
      const images = JSON.parse(planBytes.toString('utf8')) as string[];
      const pixels = new Array<Uint8Array | undefined>(images.length);
      const failures: StoredPart['failures'] = [];
      const counts = { ok: 0, missing: 0, corrupt: 0, decoded: 0 };
      const beat = throttledHeartbeat();
      await forEachConcurrently(images, CONCURRENCY, async (key, i) => {
        const result = await decodeThroughCache(store, key, input.size);
        if (result.outcome !== 'missing' && result.decoded) counts.decoded += 1;
        if (result.outcome === 'ok') {
          pixels[i] = result.pixels;
          counts.ok += 1;
        } else {
          counts[result.outcome] += 1;
          if (failures.length < MAX_LISTED_FAILURES) failures.push({ key, reason: result.outcome === 'missing' ? 'missing' : `corrupt: ${result.reason}` });
        }
        beat({ part: input.part, done: i, of: images.length });
      });
      const shard = Buffer.concat(pixels.filter((p): p is Uint8Array => p !== undefined));
      await store.put(keys.imagePixelsShard(input.part), shard, { contentType: 'application/octet-stream' });
      const stored: StoredPart = { part: input.part, ...counts, planSha256, keys: images.filter((_, i) => pixels[i]), failures };
      await putJson(store, keys.imagePartResult(input.part), stored);
      log.info('image part processed', { month: input.month, part: input.part, images: images.length, ...counts });
      return { part: input.part, ...counts, reused: false };
    },

    /** Writes the month's image index: every part's keys in row order, and the shards that hold their pixels. */
    async indexImages(input: { month: string; size: number; parts: number }): Promise<ImageSummary> {
      const keys = monthArtifacts(input.month);
      const index: ImageIndex = { size: input.size, keys: [], checks: { referenced: 0, ok: 0, missing: 0, corrupt: 0, failures: [] }, shards: [] };
      const beat = throttledHeartbeat();
      for (let part = 0; part < input.parts; part++) {
        const stored = await getJson<StoredPart>(store, keys.imagePartResult(part));
        for (const key of stored.keys) index.keys.push(key);
        index.shards!.push({ key: keys.imagePixelsShard(part), rows: stored.keys.length });
        index.checks.ok += stored.ok;
        index.checks.missing += stored.missing;
        index.checks.corrupt += stored.corrupt;
        index.checks.failures.push(...stored.failures.slice(0, MAX_LISTED_FAILURES - index.checks.failures.length));
        beat({ part });
      }
      index.checks.referenced = index.checks.ok + index.checks.missing + index.checks.corrupt;
      await putJson(store, keys.imageIndex, index);
      const { referenced, ok, missing, corrupt } = index.checks;
      return { indexKey: keys.imageIndex, pixelsKey: keys.imagePixelsShardPrefix, referenced, ok, missing, corrupt };
    },
  };
}
