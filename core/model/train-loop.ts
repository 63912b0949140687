// The training loop: shuffled mini-batches, validation loss after each epoch, early stopping on it,
// and a checkpoint callback per epoch so an interrupted run resumes where it stopped.
import * as tf from '@tensorflow/tfjs';
import type { EncodedDataset } from '../features/dataset';
import type { DatasetSource } from '../features/dataset-shards';
import type { FittedTransform } from '../features/transform';
import { Random } from '../random';
import { linearVariables, wakeDeepPart, type ClickModel, type HeadShape } from './architecture';
import { forwardLogits, sliceDataset, type PixelSource } from './forward';
import { FlatAdamOptimizer } from './flat-adam';
import { droppableColumns, dropIds } from './id-dropout';
import { batchLogLoss, l2Penalty } from './step-loss';

export interface TrainOptions {
  /** Epochs per phase, at most. */
  maxEpochs: number;
  /** Epochs without validation improvement before a phase stops. */
  patience: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on the deep part's embedding tables, per unit of squared weight. */
  embeddingL2: number;
  /** Share of training rows whose ids in large vocabulary columns (≥ 50 values: ads, campaigns) are
   *  replaced by "unknown" each epoch, so the model learns to score ads it has never seen from their
   *  other features. */
  idDropout: number;
  /** When set, a first phase trains only the linear part (a logistic regression) before everything
   *  trains together: the joint phase starts from the best linear model and keeps it if it cannot beat it. */
  linear?: { learningRate: number; l2: number };
  /** The deep part's size; absent means the default. */
  shape?: HeadShape;
  seed: number;
}

export type Phase = 'linear' | 'joint';

export interface EpochRecord {
  epoch: number;
  phase: Phase;
  trainLoss: number;
  validationLoss: number;
  attempt: number;
  seconds: number;
}

export interface TrainState {
  /** Epochs completed so far, over both phases. */
  epoch: number;
  bestEpoch: number;
  bestLoss: number;
  phase: Phase;
  /** `epoch` when the current phase began. */
  phaseStartedAt: number;
  /** The best validation loss within the current phase and its epoch: patience counts from there, so a
   *  joint phase still closing in on the linear model's loss is not cut short. */
  phaseBestLoss: number;
  phaseBestEpoch: number;
  history: EpochRecord[];
}

export interface TrainRun {
  model: ClickModel;
  transform: FittedTransform;
  /** Streamed batch by batch: never more of the month in memory than the source's budget. */
  train: DatasetSource;
  validation: DatasetSource;
  pixels?: PixelSource;
  options: TrainOptions;
  attempt: number;
  /** One optimizer per phase (the caller keeps them, to checkpoint and restore their state). */
  optimizers: Record<Phase, tf.Optimizer>;
  state: TrainState;
  /** Called after every epoch with the new state; `improved` says whether it is the best so far. */
  onEpoch: (state: TrainState, improved: boolean) => Promise<void>;
  /** Loads the weights the given epoch ended with (the joint phase starts from the best linear epoch). */
  restoreEpoch: (epoch: number) => Promise<void>;
  shouldStop?: () => boolean;
}

export const freshTrainState = (options: Pick<TrainOptions, 'linear'>): TrainState => ({
  epoch: 0,
  bestEpoch: 0,
  bestLoss: Infinity,
  phase: options.linear ? 'linear' : 'joint',
  phaseStartedAt: 0,
  phaseBestLoss: Infinity,
  phaseBestEpoch: 0,
  history: [],
});

/** One Adam per phase, at the phase's learning rate. */
export function phaseOptimizers(options: Pick<TrainOptions, 'learningRate' | 'linear'>): Record<Phase, tf.Optimizer> {
  return { linear: new FlatAdamOptimizer(options.linear?.learningRate ?? options.learningRate), joint: new FlatAdamOptimizer(options.learningRate) };
}

export function trainableVariables(model: ClickModel): tf.Variable[] {
  const layers = [model.head, ...(model.imageTower ? [model.imageTower] : [])];
  return layers.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

export async function runTraining(run: TrainRun): Promise<TrainState> {
  const { options } = run;
  let state = run.state;
  for (;;) {
    const sinceImprovement = state.epoch - Math.max(state.phaseBestEpoch, state.phaseStartedAt);
    if (state.epoch - state.phaseStartedAt < options.maxEpochs && sinceImprovement < options.patience) {
      state = await runEpoch(run, state);
      continue;
    }
    if (state.phase === 'joint') return state;
    await run.restoreEpoch(state.bestEpoch);
    wakeDeepPart(run.model, run.options.seed);
    state = { ...state, phase: 'joint', phaseStartedAt: state.epoch, phaseBestLoss: Infinity, phaseBestEpoch: state.epoch };
  }
}

async function runEpoch(run: TrainRun, state: TrainState): Promise<TrainState> {
  const { model, transform, train, validation, pixels, options } = run;
  const started = performance.now();
  const epoch = state.epoch + 1;
  const all = trainableVariables(model);
  const linear = new Set(linearVariables(model));
  const variables = state.phase === 'linear' ? all.filter((v) => linear.has(v)) : all;
  // Weight decay on embedding tables: ids seen a handful of times memorise fast.
  const penalties = [
    { tables: variables.filter((v) => v.name.includes('emb_') && linear.has(v)), l2: options.linear?.l2 ?? options.embeddingL2 },
    { tables: variables.filter((v) => v.name.includes('emb_') && !linear.has(v)), l2: options.embeddingL2 },
  ].filter((p) => p.tables.length > 0 && p.l2 > 0);
  const optimizer = run.optimizers[state.phase];
  const droppable = droppableColumns(transform);
  const dropout = new Random(options.seed * 7919 + epoch);
  let lossSum = 0;
  for await (const batch of train.batches(options.seed + epoch, options.batchSize)) {
    if (options.idDropout > 0) dropIds(batch, droppable, options.idDropout, dropout);
    const loss = tf.tidy(() =>
      optimizer.minimize(
        () => {
          const logits = forwardLogits(model, transform, batch, pixels, true, state.phase === 'linear');
          const data = batchLogLoss(logits, tf.tensor1d(batch.label));
          const penalty = l2Penalty(penalties);
          return penalty ? tf.add(data, penalty) : data;
        },
        true,
        variables,
      )!,
    );
    lossSum += (await loss.data())[0]! * batch.rows;
    loss.dispose();
    if (run.shouldStop?.()) throw new Error('training cancelled');
    // Yield so heartbeats and cancellation get through between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const validationLoss = await meanLogLoss(model, transform, validation, pixels, state.phase === 'linear');
  const improved = validationLoss < state.bestLoss;
  const phaseImproved = validationLoss < state.phaseBestLoss;
  const next: TrainState = {
    ...state,
    epoch,
    phaseBestLoss: phaseImproved ? validationLoss : state.phaseBestLoss,
    phaseBestEpoch: phaseImproved ? epoch : state.phaseBestEpoch,
    bestEpoch: improved ? epoch : state.bestEpoch,
    bestLoss: improved ? validationLoss : state.bestLoss,
    history: [
      ...state.history,
      { epoch, phase: state.phase, trainLoss: lossSum / train.rows, validationLoss, attempt: run.attempt, seconds: (performance.now() - started) / 1000 },
    ],
  };
  await run.onEpoch(next, improved);
  return next;
}

/** Mean log loss of the raw (uncalibrated) model, batch by batch, yielding so heartbeats get through. */
export async function meanLogLoss(
  model: ClickModel,
  transform: FittedTransform,
  data: DatasetSource,
  pixels: PixelSource | undefined,
  linearOnly = false,
  batchSize = 4096,
): Promise<number> {
  let sum = 0;
  for await (const chunk of data.chunks()) sum += await chunkLogLoss(model, transform, chunk, pixels, linearOnly, batchSize);
  return sum / Math.max(data.rows, 1);
}

async function chunkLogLoss(
  model: ClickModel,
  transform: FittedTransform,
  data: EncodedDataset,
  pixels: PixelSource | undefined,
  linearOnly: boolean,
  batchSize: number,
): Promise<number> {
  let sum = 0;
  for (let start = 0; start < data.rows; start += batchSize) {
    const batch = sliceDataset(data, start, Math.min(start + batchSize, data.rows));
    const loss = tf.tidy(() =>
      tf.losses.sigmoidCrossEntropy(
        tf.tensor1d(batch.label),
        forwardLogits(model, transform, batch, pixels, false, linearOnly),
        undefined,
        0,
        tf.Reduction.SUM,
      ),
    );
    sum += (await loss.data())[0]!;
    loss.dispose();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sum;
}
