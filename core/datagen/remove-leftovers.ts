// Removes what an earlier run left in a month's folders and this run did not rewrite (e.g. a fourth
// CSV file when this run writes three), so the folders hold exactly what the summary says.
import { listAll, type BlobStore } from '../storage/blob-store';

export async function removeLeftovers(store: BlobStore, month: string, written: Set<string>): Promise<void> {
  for (const prefix of [`raw/${month}/`, `truth/${month}/`]) {
    for (const { key } of await listAll(store, prefix)) if (!written.has(key)) await store.delete(key);
  }
}
