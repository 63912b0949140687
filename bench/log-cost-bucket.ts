// The prediction-log benchmark's bucket: a local directory with a tiny real champion and its ad images,
// the request mix sent to it, and a count of what the prediction log wrote there.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PREDICTION_LOG_PREFIX } from '../core/feedback/log-entry';
import { ModelRegistry } from '../core/registry/model-registry';
import { listAll, type BlobStore } from '../core/storage/blob-store';
import { readTextLines } from '../core/storage/lines';
import { LocalStore } from '../core/storage/local-store';
import { initTensorFlow } from '../core/tf/backend';
import { imageKey, putTestImage, registerTinyModel, tinyInstance } from '../test/helpers/tiny-model';
import type { Instance } from './predict-client';

const ADS = 20;
const DEVICES = ['mobile', 'desktop', 'tablet'];
const PLACEMENTS = ['feed', 'sidebar', 'search'];

export interface LogCostBucket {
  dir: string;
  store: BlobStore;
}

/** A temp bucket whose champion is a freshly registered tiny model, with one image per ad the mix names. */
export async function createLogCostBucket(): Promise<LogCostBucket> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-log-cost-'));
  const store = new LocalStore(path.join(dir, 'bucket'));
  // The model card names the backend that built the model, as the pipeline's would.
  await initTensorFlow();
  await registerTinyModel(store, new ModelRegistry(store), { reason: 'prediction-log benchmark' });
  for (let ad = 1; ad <= ADS; ad++) await putTestImage(store, imageKey(ad));
  return { dir, store };
}

/** Instance `index` of request `request`: its own impression id (so every log entry carries one), a varied ad, device and placement. */
export function mixInstance(request: number, index: number): Instance {
  const n = request * 1000 + index;
  const ad = 1 + (n % ADS);
  return tinyInstance({
    impression_id: `bench-${request}-${index}`,
    ad_id: `ad-${String(ad).padStart(5, '0')}`,
    image_path: imageKey(ad),
    device: DEVICES[n % 3]!,
    placement: PLACEMENTS[(n >> 2) % 3]!,
    hour_of_day: n % 24,
    user_past_clicks_30d: n % 5 === 0 ? null : n % 17,
  });
}

/** Every prediction-log shard in the bucket and its number of entries (one JSON line each). */
export async function countLogEntries(store: BlobStore): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const shard of await listAll(store, PREDICTION_LOG_PREFIX)) {
    let lines = 0;
    for await (const line of readTextLines(store, shard.key)) if (line) lines += 1;
    counts.set(shard.key, lines);
  }
  return counts;
}
