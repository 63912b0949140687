// Train (TFX Trainer, with Tuner trials), on the training task queue (GPU workers): each tuning trial and
// the logistic-regression baseline is its own activity, checkpointed every epoch to the bucket with a
// progress pointer beside it, so a retried attempt resumes from the last epoch even if no heartbeat
// carrying it reached Temporal. The best epoch is then calibrated on the validation days and saved.
import * as tf from '@tensorflow/tfjs';
import { activityInfo, ApplicationFailure, Context, heartbeat, log } from '@temporalio/activity';
import { getJson, getJsonIfExists, putJson, type BlobStore } from '../core/storage/blob-store';
import { openDataset } from '../core/features/dataset-shards';
import type { FittedTransform } from '../core/features/transform';
import type { FeatureSpec } from '../core/features/spec';
import { buildClickModel, disposeClickModel, type ClickModel } from '../core/model/architecture';
import { fitPlatt, type Calibration } from '../core/model/calibration';
import { restoreCheckpoint, saveCheckpoint } from '../core/model/checkpoint';
import { buildLogisticHead } from '../core/model/logistic-head';
import { saveClickModel } from '../core/model/model-files';
import { predictSourceLogits } from '../core/model/predict';
import { freshTrainState, phaseOptimizers, runTraining, type TrainOptions, type TrainState } from '../core/model/train-loop';
import { loadPixels, monthImages, type MonthData } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { loadedBackend } from '../core/tf/backend';

export interface TrainInput {
  month: string;
  specKey: string;
  transformKey: string;
  trainKey: string;
  validationKey: string;
  options: TrainOptions;
  /** Which tuning trial this is (0 = the configured settings). */
  trial: number;
  /** The month's image table (runs started before it was named: found by its place in the bucket). */
  images?: MonthData['images'];
}

export interface TrainResult {
  /** The saved model: `modelFiles` are its files, relative to `modelPrefix`. */
  modelPrefix: string;
  modelFiles: string[];
  reportKey: string;
  trial: number | 'baseline';
  options: TrainOptions;
  epochs: number;
  bestEpoch: number;
  /** Log loss on the validation days at the best epoch (before calibration): what trials are picked on. */
  bestValidationLoss: number;
  calibration: Calibration;
  resumedFromEpoch: number;
  history: TrainState['history'];
  examplesPerSecond: number;
  backend: string;
}

/** What each heartbeat and the progress pointer carry: enough to resume. */
export interface TrainProgress {
  state: TrainState;
  checkpointKey: string;
  attemptOf: string;
}

/** Encoded rows a training holds in memory (train and validation together); a bigger month streams by shard. */
export const DEFAULT_DATASET_MEMORY_BYTES = 4 * 1024 ** 3;

interface Kind {
  trial: number | 'baseline';
  name: string;
  build: (transform: FittedTransform, baseRate: number) => ClickModel;
}

export function createTrainingActivities(deps: { store: BlobStore; datasetMemoryBytes?: number }) {
  const { store } = deps;
  const datasetMemoryBytes = deps.datasetMemoryBytes ?? DEFAULT_DATASET_MEMORY_BYTES;

  async function trainAndSave(input: TrainInput, kind: Kind): Promise<TrainResult> {
    if (!input.validationKey) {
      throw ApplicationFailure.nonRetryable(
        `This training of ${input.month} was scheduled by a run started before the validation split existed; re-run the month`,
        'StaleRun',
      );
    }
    const keys = monthArtifacts(input.month).training(kind.trial);
    const info = activityInfo();
    const attemptOf = `${info.workflowExecution?.workflowId}/${info.workflowExecution?.runId}/${info.activityId}`;
    // An earlier attempt that finished but whose completion never reached Temporal (an outage) left its report.
    const finished = await getJsonIfExists<TrainResult & { attemptOf?: string }>(store, keys.report);
    if (finished?.attemptOf === attemptOf) {
      log.info('training already finished by an earlier attempt', { trial: kind.trial, report: keys.report, attempt: info.attempt });
      delete finished.attemptOf;
      return finished;
    }
    // Each split is read within half the memory budget: one that fits is kept, a bigger one streams by shard.
    const [fitted, spec, train, validation] = await Promise.all([
      getJson<FittedTransform>(store, input.transformKey),
      getJson<FeatureSpec>(store, input.specKey),
      openDataset(store, input.trainKey, datasetMemoryBytes / 2),
      openDataset(store, input.validationKey, datasetMemoryBytes / 2),
    ]);
    // The baseline is a logistic regression: no image.
    const transform = kind.trial === 'baseline' ? { ...fitted, image: undefined } : fitted;
    const images = input.images === undefined ? await monthImages(store, input.month) : input.images;
    // Loading a big pixel table takes a while: keep the previous attempt's details alive meanwhile.
    const pixels = await loadPixels(store, images, transform.image?.size, throttledHeartbeatOf(info.heartbeatDetails));
    const baseRate = Math.min(Math.max(train.positives / train.rows, 1e-4), 0.5);
    const model = kind.build(transform, baseRate);
    const options = input.options;
    const optimizers = phaseOptimizers(options);

    // Resume from whichever knows the later epoch: the last heartbeat, or the pointer in the bucket.
    const pointer = await getJsonIfExists<TrainProgress>(store, keys.progress);
    const candidates = [info.heartbeatDetails as TrainProgress | undefined, pointer].filter(
      (p): p is TrainProgress => p?.attemptOf === attemptOf && p.state.epoch > 0,
    );
    const resume = candidates.sort((a, b) => b.state.epoch - a.state.epoch)[0];
    let state = freshTrainState(options);
    if (resume) {
      await restoreCheckpoint(store, resume.checkpointKey, model, optimizers[resume.state.phase]);
      state = resume.state;
      log.info('resuming training from checkpoint', { trial: kind.trial, epoch: state.epoch, checkpoint: resume.checkpointKey, attempt: info.attempt });
    }
    const resumedFromEpoch = state.epoch;
    let progress: TrainProgress | undefined = resume;
    // Keep the heartbeat alive during long epochs, always carrying the last checkpoint.
    const keepAlive = setInterval(() => heartbeat(progress), 2000);
    const started = performance.now();
    try {
      state = await runTraining({
        model,
        transform,
        train,
        validation,
        pixels,
        optimizers,
        state,
        options,
        attempt: info.attempt,
        shouldStop: () => Context.current().cancellationSignal.aborted,
        restoreEpoch: (epoch) => restoreCheckpoint(store, keys.checkpoint(epoch), model),
        onEpoch: async (next) => {
          const checkpointKey = keys.checkpoint(next.epoch);
          await saveCheckpoint(store, checkpointKey, model, optimizers[next.phase]);
          progress = { state: next, checkpointKey, attemptOf };
          await putJson(store, keys.progress, progress);
          heartbeat(progress);
          log.info('epoch done', { trial: kind.trial, ...next.history.at(-1), bestEpoch: next.bestEpoch });
        },
      });
    } finally {
      clearInterval(keepAlive);
    }
    const seconds = (performance.now() - started) / 1000;
    if (state.bestEpoch === 0) throw new Error('Training finished without a completed epoch');
    await restoreCheckpoint(store, keys.checkpoint(state.bestEpoch), model);
    // Platt scaling on the validation days: the evaluation holdout stays unseen.
    const scored = await predictSourceLogits(model, transform, validation, pixels);
    model.calibration = fitPlatt(scored.logits, scored.labels);
    const card = {
      kind: kind.name,
      trainedOn: input.month,
      baseRate,
      backend: loadedBackend() ?? tf.getBackend(),
      epochs: state.epoch,
      bestEpoch: state.bestEpoch,
      validationLoss: state.bestLoss,
    };
    const modelFiles = await saveClickModel(store, keys.model, { model, transform, spec, card });
    const result: TrainResult = {
      modelPrefix: keys.model,
      modelFiles,
      reportKey: keys.report,
      trial: kind.trial,
      options,
      epochs: state.epoch,
      bestEpoch: state.bestEpoch,
      bestValidationLoss: state.bestLoss,
      calibration: model.calibration,
      resumedFromEpoch,
      history: state.history,
      examplesPerSecond: seconds > 0 ? ((state.epoch - resumedFromEpoch) * train.rows) / seconds : 0,
      backend: card.backend,
    };
    await putJson(store, keys.report, { ...result, attemptOf });
    disposeClickModel(model);
    Object.values(optimizers).forEach((optimizer) => optimizer.dispose());
    return result;
  }

  return {
    /** One tuning trial of the click model (Wide & Deep with the image tower). */
    trainModel(input: TrainInput): Promise<TrainResult> {
      return trainAndSave(input, {
        trial: input.trial,
        name: 'click-model',
        build: (transform, baseRate) => buildClickModel(transform, baseRate, input.options.shape, input.options.seed),
      });
    },
    /** The logistic-regression baseline on the same encoded features, which every candidate must beat. */
    trainBaseline(input: Omit<TrainInput, 'trial'>): Promise<TrainResult> {
      return trainAndSave(
        { ...input, trial: -1 },
        { trial: 'baseline', name: 'logistic-baseline', build: (transform, baseRate) => ({ head: buildLogisticHead(transform, baseRate) }) },
      );
    },
  };
}

/** A heartbeat at most once a second that always carries the same details. */
function throttledHeartbeatOf(details: unknown): () => void {
  const beat = throttledHeartbeat();
  return () => beat(details);
}
