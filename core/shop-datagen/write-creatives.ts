// Renders and stores each campaign's creative once, under raw/<month>/images/. The pixel noise comes
// from the catalogue, so a campaign's PNG is byte-identical in every month that serves it.
import { forEachConcurrently } from '../concurrency';
import type { Random } from '../random';
import type { BlobStore } from '../storage/blob-store';
import type { Campaign } from './campaigns';
import { encodeCreative, renderCreative } from './creative-image';

/** Images in flight at once: enough to hide store latency without flooding a small machine. */
const CONCURRENCY = 8;

export async function writeCreatives(store: BlobStore, month: string, campaigns: Campaign[], catalog: Random): Promise<string[]> {
  const keys: string[] = [];
  await forEachConcurrently(campaigns, CONCURRENCY, async (campaign) => {
    const key = `raw/${month}/${campaign.imagePath}`;
    await store.put(key, await encodeCreative(renderCreative(campaign.look, catalog.fork(campaign.id))), { contentType: 'image/png' });
    keys.push(key);
  });
  return keys;
}
