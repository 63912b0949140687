// Decoding through the bucket's content cache: an image file whose bytes were decoded at this size
// before (any month, any key) is read back from the cache instead of decoded again.
import { createHash } from 'node:crypto';
import { BlobNotFoundError, getJsonIfExists, putJson, type BlobStore } from '../storage/blob-store';
import { decodeAdImage, UnreadableImageError } from '../features/image';
import { imageCacheKeys } from '../pipeline/layout';

export type CachedDecode =
  { outcome: 'ok'; pixels: Uint8Array; decoded: boolean } | { outcome: 'missing' } | { outcome: 'corrupt'; reason: string; decoded: boolean };

export async function decodeThroughCache(store: BlobStore, key: string, size: number): Promise<CachedDecode> {
  let bytes: Buffer;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return { outcome: 'missing' };
    throw error;
  }
  const cache = imageCacheKeys(size, createHash('sha256').update(bytes).digest('hex'));
  const cached = await getIfExists(store, cache.pixels);
  if (cached && cached.length === size * size * 3)
    return { outcome: 'ok', pixels: new Uint8Array(cached.buffer, cached.byteOffset, cached.length), decoded: false };
  const known = await getJsonIfExists<{ reason: string }>(store, cache.unreadable);
  if (known) return { outcome: 'corrupt', reason: known.reason, decoded: false };
  try {
    const pixels = await decodeAdImage(bytes, size);
    await store.put(cache.pixels, Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { contentType: 'application/octet-stream' });
    return { outcome: 'ok', pixels, decoded: true };
  } catch (error) {
    if (!(error instanceof UnreadableImageError)) throw error;
    await putJson(store, cache.unreadable, { reason: error.message });
    return { outcome: 'corrupt', reason: error.message, decoded: true };
  }
}

async function getIfExists(store: BlobStore, key: string): Promise<Buffer | undefined> {
  try {
    return await store.get(key);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return undefined;
    throw error;
  }
}
