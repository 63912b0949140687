// The project's side of the training benches: the joint phase (the whole model trains) on a twin month,
// one epoch per call, timed between batch ends after the first (warm steps only).
import { inMemorySource } from '../core/features/dataset-shards';
import { sliceDataset } from '../core/model/forward';
import { buildClickModel, wakeDeepPart, type ClickModel } from '../core/model/architecture';
import { freshTrainState, phaseOptimizers, runTraining, type TrainOptions, type TrainState } from '../core/model/train-loop';
import type { TwinData } from './keras/twin-data';

export interface TimedEpoch {
  examplesPerSecond: number;
  loss: number;
}

/** A model built for `data`, and `epoch`, which trains it one more epoch each call. */
export function jointEpochs({ dataset, transform, pixels }: TwinData, options: TrainOptions): { model: ClickModel; epoch: () => Promise<TimedEpoch> } {
  const baseRate = dataset.label.reduce((a, b) => a + b, 0) / dataset.rows;
  const model = buildClickModel(transform, baseRate, options.shape, options.seed);
  wakeDeepPart(model, options.seed);
  const train = inMemorySource(dataset);
  const validation = inMemorySource(sliceDataset(dataset, 0, Math.min(options.batchSize, dataset.rows)));
  const optimizers = phaseOptimizers(options);
  const warmRows = dataset.rows - Math.min(options.batchSize, dataset.rows);
  let state: TrainState = { ...freshTrainState({}), phase: 'joint' };
  const epoch = async () => {
    const batchEnds: number[] = [];
    state = await runTraining({
      ...{ model, transform, train, validation, options, optimizers, pixels, attempt: 1 },
      state: { ...state, phaseStartedAt: state.epoch, phaseBestEpoch: state.epoch, phaseBestLoss: Infinity },
      onEpoch: async () => {},
      restoreEpoch: async () => {},
      shouldStop: () => batchEnds.push(performance.now()) < 0,
    });
    return { examplesPerSecond: warmRows / ((batchEnds.at(-1)! - batchEnds[0]!) / 1000), loss: state.history.at(-1)!.trainLoss };
  };
  return { model, epoch };
}
