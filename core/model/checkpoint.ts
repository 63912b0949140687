// A training checkpoint: model weights plus optimizer state, so a resumed run continues exactly.
import * as tf from '@tensorflow/tfjs';
import type { BlobStore } from '../storage/blob-store';
import type { ClickModel } from './architecture';
import { packTensors, unpackTensors } from './tensor-pack';

export async function saveCheckpoint(store: BlobStore, key: string, model: ClickModel, optimizer: tf.Optimizer): Promise<void> {
  const named = [
    ...model.head.getWeights().map((tensor, i) => ({ name: `head/${i}`, tensor })),
    ...(model.imageTower?.getWeights() ?? []).map((tensor, i) => ({ name: `tower/${i}`, tensor })),
    ...(await optimizer.getWeights()).map(({ tensor }, i) => ({ name: `optimizer/${i}`, tensor })),
  ];
  await store.put(key, await packTensors(named), { contentType: 'application/octet-stream' });
}

/** Restores weights (and, when given, optimizer state) saved by saveCheckpoint into a model of the same architecture. */
export async function restoreCheckpoint(store: BlobStore, key: string, model: ClickModel, optimizer?: tf.Optimizer): Promise<void> {
  const entries = unpackTensors(await store.get(key));
  const part = (prefix: string) => entries.filter((e) => e.name.startsWith(prefix)).map((e) => e.tensor);
  model.head.setWeights(part('head/'));
  if (model.imageTower) model.imageTower.setWeights(part('tower/'));
  if (optimizer) await optimizer.setWeights(part('optimizer/').map((tensor, i) => ({ name: `restored_${i}`, tensor })));
  else part('optimizer/').forEach((t) => t.dispose());
}
