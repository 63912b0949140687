// The training loop: shuffled mini-batches, holdout loss after each epoch, early stopping on it,
// and a checkpoint callback per epoch so an interrupted run resumes where it stopped.
import * as tf from '@tensorflow/tfjs';
import type { EncodedDataset } from '../features/dataset';
import type { FittedTransform } from '../features/transform';
import { logLoss } from '../evaluation/metrics';
import { Random } from '../random';
import type { ClickModel } from './architecture';
import { forwardLogits, sliceDataset, takeRows, type PixelSource } from './forward';

export interface TrainOptions {
  maxEpochs: number;
  /** Epochs without holdout improvement before stopping. */
  patience: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on embedding tables, per unit of squared weight. */
  embeddingL2: number;
  seed: number;
}

export interface EpochRecord { epoch: number; trainLoss: number; holdoutLoss: number; attempt: number; seconds: number }

export interface TrainState {
  /** Epochs completed so far. */
  epoch: number;
  bestEpoch: number;
  bestLoss: number;
  history: EpochRecord[];
}

export interface TrainRun {
  model: ClickModel;
  transform: FittedTransform;
  train: EncodedDataset;
  holdout: EncodedDataset;
  pixels?: PixelSource;
  options: TrainOptions;
  attempt: number;
  optimizer: tf.Optimizer;
  state: TrainState;
  /** Called after every epoch with the new state; `improved` says whether it is the best so far. */
  onEpoch: (state: TrainState, improved: boolean) => Promise<void>;
  shouldStop?: () => boolean;
}

export const freshTrainState = (): TrainState => ({ epoch: 0, bestEpoch: 0, bestLoss: Infinity, history: [] });

export function trainableVariables(model: ClickModel): tf.Variable[] {
  const layers = [model.head, ...(model.imageTower ? [model.imageTower] : [])];
  return layers.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

export async function runTraining(run: TrainRun): Promise<TrainState> {
  const { model, transform, train, holdout, pixels, options } = run;
  const variables = trainableVariables(model);
  // Embedding tables of ids seen a handful of times memorise fast; weight decay on them slows that.
  const embeddings = variables.filter((v) => v.name.includes('emb_'));
  let state = run.state;
  while (state.epoch < options.maxEpochs && state.epoch - state.bestEpoch < options.patience) {
    const started = performance.now();
    const epoch = state.epoch + 1;
    const order = shuffledIndices(train.rows, options.seed + epoch);
    let lossSum = 0;
    for (let start = 0; start < train.rows; start += options.batchSize) {
      const batch = takeRows(train, order.subarray(start, Math.min(start + options.batchSize, train.rows)));
      const loss = tf.tidy(() => run.optimizer.minimize(() => {
        const logits = forwardLogits(model, transform, batch, pixels, true);
        const loss = tf.losses.sigmoidCrossEntropy(tf.tensor1d(batch.label), logits) as tf.Scalar;
        return options.embeddingL2 > 0 && embeddings.length > 0 ? (loss.add(tf.addN(embeddings.map((v) => v.square().sum())).mul(options.embeddingL2)) as tf.Scalar) : loss;
      }, true, variables)!);
      lossSum += (await loss.data())[0]! * batch.rows;
      loss.dispose();
      if (run.shouldStop?.()) throw new Error('training cancelled');
      // Yield so heartbeats and cancellation get through between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const holdoutLoss = meanLogLoss(model, transform, holdout, pixels);
    const improved = holdoutLoss < state.bestLoss;
    state = {
      epoch,
      bestEpoch: improved ? epoch : state.bestEpoch,
      bestLoss: improved ? holdoutLoss : state.bestLoss,
      history: [...state.history, { epoch, trainLoss: lossSum / train.rows, holdoutLoss, attempt: run.attempt, seconds: (performance.now() - started) / 1000 }],
    };
    await run.onEpoch(state, improved);
  }
  return state;
}

/** Predicted click probabilities for every row, in batches. */
export function predictProbabilities(model: ClickModel, transform: FittedTransform, data: EncodedDataset, pixels: PixelSource | undefined, batchSize = 4096): Float32Array {
  const out = new Float32Array(data.rows);
  for (let start = 0; start < data.rows; start += batchSize) {
    const batch = sliceDataset(data, start, Math.min(start + batchSize, data.rows));
    const probabilities = tf.tidy(() => tf.sigmoid(forwardLogits(model, transform, batch, pixels, false)));
    out.set(probabilities.dataSync() as Float32Array, start);
    probabilities.dispose();
  }
  return out;
}

export function meanLogLoss(model: ClickModel, transform: FittedTransform, data: EncodedDataset, pixels: PixelSource | undefined): number {
  return logLoss(data.label, predictProbabilities(model, transform, data, pixels));
}

function shuffledIndices(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
