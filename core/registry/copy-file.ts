// Copies one object inside the store as a stream, hashing on the way so a version records what it holds.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { BlobStore } from '../storage/blob-store';

export async function copyWithDigest(store: BlobStore, sourceKey: string, targetKey: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  const digesting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const source = store.getStream(sourceKey);
  // pipe() does not forward errors: without this a missing source would stall the upload.
  source.once('error', (error) => digesting.destroy(error));
  const written = await store.put(targetKey, source.pipe(digesting));
  return { size: written.size, sha256: hash.digest('hex') };
}
