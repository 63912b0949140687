// Train (TFX Trainer), on the training task queue (GPU workers). Checkpoints every epoch to the bucket
// and heartbeats the checkpoint's reference: a retried attempt resumes from it instead of starting over.
import * as tf from '@tensorflow/tfjs';
import { activityInfo, Context, heartbeat, log } from '@temporalio/activity';
import { getJson, putJson, type BlobStore } from '../core/storage/blob-store';
import { parseDataset } from '../core/features/dataset';
import type { FittedTransform } from '../core/features/transform';
import type { FeatureSpec } from '../core/features/spec';
import { buildClickModel, disposeClickModel } from '../core/model/architecture';
import { restoreCheckpoint, saveCheckpoint } from '../core/model/checkpoint';
import { saveClickModel } from '../core/model/model-files';
import { freshTrainState, runTraining, type TrainOptions, type TrainState } from '../core/model/train-loop';
import { loadPixels } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import { loadedBackend } from '../core/tf/backend';

export interface TrainInput {
  month: string;
  specKey: string;
  transformKey: string;
  trainKey: string;
  holdoutKey: string;
  options: TrainOptions;
}

export interface TrainResult {
  modelPrefix: string;
  reportKey: string;
  epochs: number;
  bestEpoch: number;
  bestHoldoutLoss: number;
  resumedFromEpoch: number;
  history: TrainState['history'];
  examplesPerSecond: number;
  backend: string;
}

/** What each heartbeat carries: enough to resume. */
export interface TrainProgress { state: TrainState; checkpointKey: string }

export function createTrainingActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async trainModel(input: TrainInput): Promise<TrainResult> {
      const keys = monthArtifacts(input.month);
      const info = activityInfo();
      const [transform, spec, train, holdout] = await Promise.all([
        getJson<FittedTransform>(store, input.transformKey),
        getJson<FeatureSpec>(store, input.specKey),
        store.get(input.trainKey).then(parseDataset),
        store.get(input.holdoutKey).then(parseDataset),
      ]);
      const pixels = await loadPixels(store, input.month, transform.image?.size);
      const baseRate = Math.min(Math.max(train.label.reduce((a, b) => a + b, 0) / train.rows, 1e-4), 0.5);

      const model = buildClickModel(transform, baseRate);
      const optimizer = tf.train.adam(input.options.learningRate);
      let state = freshTrainState();
      const resume = info.heartbeatDetails as TrainProgress | undefined;
      if (resume?.state.epoch) {
        await restoreCheckpoint(store, resume.checkpointKey, model, optimizer);
        state = resume.state;
        log.info('resuming training from checkpoint', { epoch: state.epoch, checkpoint: resume.checkpointKey, attempt: info.attempt });
      }
      const resumedFromEpoch = state.epoch;
      let progress: TrainProgress | undefined = resume;
      // Keep the heartbeat alive during long epochs, always carrying the last checkpoint.
      const keepAlive = setInterval(() => heartbeat(progress), 2000);
      const started = performance.now();
      try {
        state = await runTraining({
          model, transform, train, holdout, pixels, optimizer, state,
          options: input.options,
          attempt: info.attempt,
          shouldStop: () => Context.current().cancellationSignal.aborted,
          onEpoch: async (next) => {
            const checkpointKey = `${keys.checkpoint(next.epoch)}.ckpt`;
            await saveCheckpoint(store, checkpointKey, model, optimizer);
            progress = { state: next, checkpointKey };
            heartbeat(progress);
            log.info('epoch done', { ...next.history.at(-1), bestEpoch: next.bestEpoch });
          },
        });
      } finally {
        clearInterval(keepAlive);
      }
      const trainedEpochs = state.epoch - resumedFromEpoch;
      const seconds = (performance.now() - started) / 1000;
      if (state.bestEpoch === 0) throw new Error('Training finished without a completed epoch');
      await restoreCheckpoint(store, `${keys.checkpoint(state.bestEpoch)}.ckpt`, model);
      const card = { trainedOn: input.month, baseRate, backend: loadedBackend() ?? tf.getBackend(), epochs: state.epoch, bestEpoch: state.bestEpoch, holdoutLoss: state.bestLoss };
      await saveClickModel(store, keys.trainedModel, { model, transform, spec, card });
      const result: TrainResult = {
        modelPrefix: keys.trainedModel,
        reportKey: keys.trainingReport,
        epochs: state.epoch,
        bestEpoch: state.bestEpoch,
        bestHoldoutLoss: state.bestLoss,
        resumedFromEpoch,
        history: state.history,
        examplesPerSecond: seconds > 0 ? (trainedEpochs * train.rows) / seconds : 0,
        backend: card.backend,
      };
      await putJson(store, keys.trainingReport, result);
      disposeClickModel(model);
      optimizer.dispose();
      return result;
    },
  };
}
