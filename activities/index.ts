// Activity groups by task queue: the pipeline queue runs data work, the training queue (GPU workers) trains.
import type { BlobStore } from '../core/storage/blob-store';
import { createDedupeActivities } from './dedupe-ids';
import { createEvaluationActivities } from './evaluate';
import { createFeedbackActivities } from './feedback';
import { createImageActivities } from './images';
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
}

export function createPipelineActivities(deps: ActivityDeps) {
  return {
    ...createStackCheckActivities(deps),
    ...createStageResultActivities(deps),
    ...createIngestActivities(deps),
    ...createSplitActivities(deps),
    ...createDedupeActivities(deps),
    ...createImageActivities(deps),
    ...createValidationActivities(deps),
    ...createTransformActivities(deps),
    ...createEvaluationActivities(deps),
    ...createFeedbackActivities(deps),
    ...createPromotionActivities(deps),
    ...createReportActivities(deps),
  };
}

export function createTrainingActivities(deps: ActivityDeps) {
  return { ...createStackCheckActivities(deps), ...createTrainActivities(deps) };
}
