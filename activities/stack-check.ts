// Proves a worker can reach the bucket and compute with its TensorFlow backend.
import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import * as tf from '@tensorflow/tfjs';
import { activityInfo } from '@temporalio/activity';
import type { BlobStore } from '../core/storage/blob-store';
import { loadedBackend } from '../core/tf/backend';

export interface StackReport {
  taskQueue: string;
  storeUrl: string;
  tensorflowBackend: string;
  matmulChecksum: number;
}

export function createStackCheckActivities(deps: { store: BlobStore }) {
  return {
    async checkStack(): Promise<StackReport> {
      const key = `_stack-check/${randomUUID()}`;
      const body = `probe ${key}`;
      await deps.store.put(key, body, { ifGeneration: '0' });
      const readBack = await text(deps.store.getStream(key));
      await deps.store.delete(key);
      if (readBack !== body) throw new Error(`Bucket round-trip returned ${JSON.stringify(readBack)}`);
      const checksum = tf.tidy(
        () =>
          tf
            .ones([8, 8])
            .matMul(tf.ones([8, 8]))
            .sum()
            .arraySync() as number,
      );
      return {
        taskQueue: activityInfo().taskQueue,
        storeUrl: deps.store.url,
        tensorflowBackend: tf.getBackend() === 'tensorflow' ? (loadedBackend() ?? 'tensorflow') : tf.getBackend(),
        matmulChecksum: checksum,
      };
    },
  };
}
