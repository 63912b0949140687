// Picks the BlobStore for a URL: gs://bucket[/prefix] for GCS, file:///dir or a plain path for a directory.
import path from 'node:path';
import type { Config } from '../config';
import type { BlobStore } from './blob-store';
import { GcsStore } from './gcs-store';
import { LocalStore } from './local-store';

export async function openStore(config: Pick<Config, 'storageUrl' | 'GCS_API_ENDPOINT' | 'GCS_PROJECT_ID' | 'GCS_STALL_SECONDS'>): Promise<BlobStore> {
  const url = config.storageUrl;
  if (url.startsWith('gs://')) {
    const bucket = url.slice('gs://'.length).replace(/\/+$/, '');
    if (!bucket || bucket.includes('/')) throw new Error(`STORAGE_URL must name a bucket only (gs://name), got ${url}`);
    const store = new GcsStore({
      bucket,
      apiEndpoint: config.GCS_API_ENDPOINT,
      projectId: config.GCS_PROJECT_ID,
      stallMs: config.GCS_STALL_SECONDS * 1000,
    });
    // Only a local GCS server gets buckets created on demand; production buckets are provisioned.
    if (config.GCS_API_ENDPOINT) await store.ensureBucket();
    return store;
  }
  const dir = url.startsWith('file://') ? url.slice('file://'.length) : url;
  return new LocalStore(path.resolve(dir));
}
