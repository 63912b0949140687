// Images belong to ads, not impressions: decode, check and resize each unique image once, and pack
// them into one pixel table that training and evaluation index into. Runs started before images were
// processed in parts (image-parts.ts) replay this one-activity version.
import { log } from '@temporalio/activity';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { BlobNotFoundError, getJson, listAll, putJson, type BlobStore } from '../core/storage/blob-store';
import { forEachConcurrently } from '../core/concurrency';
import { decodeAdImage } from '../core/features/image';
import { imageColumn, parseFeatureSpec } from '../core/features/spec';
import { monthArtifacts } from '../core/pipeline/layout';
import type { ImageIndex } from '../core/features/image-index';

export interface ImageSummary {
  indexKey: string;
  pixelsKey: string;
  referenced: number;
  ok: number;
  missing: number;
  corrupt: number;
  /** Images decoded this run; the others came from the content cache or a finished part (absent before parts). */
  decoded?: number;
}

const CONCURRENCY = 8;
const MAX_LISTED_FAILURES = 200;

export function createImageActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async processImages(input: { month: string; specKey: string }): Promise<ImageSummary | null> {
      const spec = parseFeatureSpec(await getJson(store, input.specKey));
      const column = imageColumn(spec);
      if (!column) return null;
      const keys = monthArtifacts(input.month);
      const referenced = new Set<string>();
      for (const refs of await listAll(store, keys.imageRefsPrefix)) {
        for (const key of await getJson<string[]>(store, refs.key)) referenced.add(key);
      }
      const ordered = [...referenced].sort();
      const decoded = new Array<Uint8Array | undefined>(ordered.length);
      const checks: ImageIndex['checks'] = { referenced: ordered.length, ok: 0, missing: 0, corrupt: 0, failures: [] };
      const beat = throttledHeartbeat();
      await forEachConcurrently(ordered, CONCURRENCY, async (key, i) => {
        try {
          decoded[i] = await decodeAdImage(await store.get(key), column.size);
          checks.ok += 1;
        } catch (error) {
          const missing = error instanceof BlobNotFoundError;
          if (missing) checks.missing += 1;
          else checks.corrupt += 1;
          if (checks.failures.length < MAX_LISTED_FAILURES) checks.failures.push({ key, reason: missing ? 'missing' : `corrupt: ${(error as Error).message}` });
        }
        beat({ done: i, of: ordered.length });
      });

      const okKeys = ordered.filter((_, i) => decoded[i]);
      const pixels = Buffer.concat(decoded.filter((d): d is Uint8Array => d !== undefined));
      await store.put(keys.imagePixels, pixels, { contentType: 'application/octet-stream' });
      const index: ImageIndex = { size: column.size, keys: okKeys, checks };
      await putJson(store, keys.imageIndex, index);
      log.info('images processed', { month: input.month, ...checks, failures: checks.failures.length });
      return {
        indexKey: keys.imageIndex,
        pixelsKey: keys.imagePixels,
        referenced: checks.referenced,
        ok: checks.ok,
        missing: checks.missing,
        corrupt: checks.corrupt,
      };
    },
  };
}
