// Activity groups by task queue: the pipeline queue runs data work, the training queue (GPU workers) trains.
import type { BlobStore } from '../core/storage/blob-store';
import { createStackCheckActivities } from './stack-check';

export interface ActivityDeps {
  store: BlobStore;
}

export function createPipelineActivities(deps: ActivityDeps) {
  return { ...createStackCheckActivities(deps) };
}

export function createTrainingActivities(deps: ActivityDeps) {
  return { ...createStackCheckActivities(deps) };
}
