// Activity groups by task queue: the pipeline queue runs data work (batch scoring too: it loads TensorFlow
// for evaluation already), the training queue (GPU workers) trains.
import type { BlobStore } from '../core/storage/blob-store';
import { createBatchScoreActivities } from './batch-score';
import { createDedupeActivities } from './dedupe-ids';
import { createEvaluationActivities } from './evaluate';
import { createFeedbackActivities } from './feedback';
import { createImageActivities } from './images';
import { createImagePartActivities } from './image-parts';
import { createIngestActivities } from './ingest';
import { createPromotionActivities } from './promote';
import { createReportActivities } from './report';
import { createSplitActivities } from './split-csv';
import { createStackCheckActivities } from './stack-check';
import { createStageResultActivities } from './stage-results';
import { createTrainingActivities as createTrainActivities } from './train';
import { createTransformActivities } from './transform';
import { createValidationActivities } from './validate';

export interface ActivityDeps {
  store: BlobStore;
  /** Bytes of encoded rows per dataset shard the transform writes (DATASET_SHARD_BYTES). */
  datasetShardBytes?: number;
  /** Bytes of encoded rows a training keeps in memory; a bigger split streams by shard (TRAIN_DATASET_MEMORY_BYTES). */
  datasetMemoryBytes?: number;
}

export function createPipelineActivities(deps: ActivityDeps) {
  return {
    ...createStackCheckActivities(deps),
    ...createStageResultActivities(deps),
    ...createIngestActivities(deps),
    ...createSplitActivities(deps),
    ...createDedupeActivities(deps),
    ...createImageActivities(deps),
    ...createImagePartActivities(deps),
    ...createValidationActivities(deps),
    ...createTransformActivities(deps),
    ...createEvaluationActivities(deps),
    ...createFeedbackActivities(deps),
    ...createPromotionActivities(deps),
    ...createBatchScoreActivities(deps),
    ...createReportActivities(deps),
  };
}

export function createTrainingActivities(deps: ActivityDeps) {
  return { ...createStackCheckActivities(deps), ...createTrainActivities(deps) };
}
