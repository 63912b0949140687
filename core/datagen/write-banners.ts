// Renders and stores one banner per ad under raw/<month>/images/, skipping the ads whose image is
// to be missing and garbling the ones to be corrupt.
import { forEachConcurrently } from '../concurrency';
import type { BlobStore } from '../storage/blob-store';
import type { Ad } from './ads';
import { encodeBanner, renderBanner } from './banner-image';
import { corruptImage, type ImageStatus } from './image-dirt';
import type { Random } from '../random';
import { IMAGE_FORMATS, type ImageFormat } from './values';

/** Images in flight at once: enough to hide store latency without flooding a small machine. */
const CONCURRENCY = 8;

const CONTENT_TYPE: Readonly<Record<ImageFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export interface WrittenBanners {
  written: number;
  byFormat: Record<ImageFormat, number>;
}

/** look draws the pixel noise (from the catalogue, so an ad's banner is the same every month); dirt garbles the corrupt ones. */
export async function writeBanners(
  store: BlobStore,
  month: string,
  ads: Ad[],
  statuses: ImageStatus[],
  random: { look: Random; dirt: Random },
): Promise<WrittenBanners> {
  const result: WrittenBanners = { written: 0, byFormat: Object.fromEntries(IMAGE_FORMATS.map((f) => [f, 0])) as Record<ImageFormat, number> };
  await forEachConcurrently(ads, CONCURRENCY, async (ad, i) => {
    if (statuses[i] === 'missing') return;
    // Each ad draws from its own streams, so the bytes do not depend on which lane got there first.
    const encoded = await encodeBanner(renderBanner(ad.look, random.look.fork(ad.id)), ad.format);
    const body = statuses[i] === 'corrupt' ? corruptImage(encoded, random.dirt.fork(ad.id)) : encoded;
    await store.put(`raw/${month}/${ad.imagePath}`, body, { contentType: CONTENT_TYPE[ad.format] });
    result.written++;
    result.byFormat[ad.format]++;
  });
  return result;
}
