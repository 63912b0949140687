// The model's parts on the real TensorFlow backend, without the pipeline: calibration, numeric buckets,
// the linear phase the click model starts with, tuning trials and the calibration error.
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../core/evaluation/metrics';
import { DatasetBuilder } from '../core/features/dataset';
import type { Example } from '../core/features/example';
import { parseFeatureSpec } from '../core/features/spec';
import { Encoder, idFields, TransformFitter } from '../core/features/transform';
import { buildClickModel, crossCells, linearVariables } from '../core/model/architecture';
import { applyCalibration, fitPlatt } from '../core/model/calibration';
import { buildLogisticHead } from '../core/model/logistic-head';
import { forwardLogits } from '../core/model/forward';
import { inMemorySource } from '../core/features/dataset-shards';
import { predictLogits, predictProbabilities } from '../core/model/predict';
import { freshTrainState, phaseOptimizers, runTraining, trainableVariables, type TrainOptions } from '../core/model/train-loop';
import { bestTrial, tuningTrials } from '../core/model/tuning';
import { Random } from '../core/random';
import * as tf from '@tensorflow/tfjs';

const spec = parseFeatureSpec({
  name: 'parts',
  columns: [
    { name: 'ts', role: 'timestamp' },
    { name: 'y', role: 'label' },
    { name: 'site', role: 'categorical', vocabularySize: 10 },
    { name: 'segment', role: 'categorical', vocabularySize: 10 },
    { name: 'price', role: 'numeric', min: 0 },
    { name: 'title', role: 'text', maxTokens: 4, vocabularySize: 50 },
  ],
});

/** Clicks depend on site, on segment × site (an interaction a linear model cannot learn) and on a price threshold. */
function examples(count: number, seed: number): Example[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const site = random.int(0, 4);
    const segment = random.int(0, 3);
    const price = Math.exp(random.normal(3, 1));
    const logit = -2 + 0.4 * site + (segment === site % 4 ? 1.5 : 0) + (price > 40 ? -1 : 0);
    return {
      t: 0,
      y: random.chance(1 / (1 + Math.exp(-logit))) ? 1 : 0,
      f: { site: `s${site}`, segment: `g${segment}`, price, title: random.pick(['big sale', 'new in', 'free gift']) },
    };
  });
}

function encode(encoder: Encoder, rows: Example[]) {
  const builder = new DatasetBuilder(encoder.widths);
  for (const example of rows)
    builder.push(
      encoder.encode(example, () => -1),
      example.y,
    );
  return builder.build();
}

describe('calibration', () => {
  it('recovers the slope and intercept that generated the labels', () => {
    const random = new Random(3);
    const logits = Array.from({ length: 40_000 }, () => random.normal(-2, 1.5));
    const labels = logits.map((z) => (random.chance(1 / (1 + Math.exp(-(0.6 * z - 0.5)))) ? 1 : 0));
    const calibration = fitPlatt(logits, labels);
    expect(calibration.slope).toBeCloseTo(0.6, 1);
    expect(calibration.intercept).toBeCloseTo(-0.5, 1);
    expect(applyCalibration(calibration, 0)).toBeCloseTo(1 / (1 + Math.exp(-calibration.intercept)), 10);
    expect(applyCalibration(undefined, 0)).toBe(0.5);
  });

  it('measures calibration error: zero when predictions match the rates, large when they do not', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    expect(
      computeMetrics(
        labels,
        labels.map(() => 0.1),
      ).expectedCalibrationError,
    ).toBeCloseTo(0, 10);
    expect(
      computeMetrics(
        labels,
        labels.map(() => 0.3),
      ).expectedCalibrationError,
    ).toBeCloseTo(0.2, 10);
  });
});

describe('numeric buckets', () => {
  it('gives each numeric column quantile buckets as an extra id column, 0 when missing', () => {
    const fitter = new TransformFitter(spec);
    for (const example of examples(5000, 1)) fitter.add(example);
    const transform = fitter.fit('2026-10');
    const boundaries = transform.numeric[0]!.boundaries!;
    expect(boundaries.length).toBeGreaterThan(8);
    expect([...boundaries].sort((a, b) => a - b)).toEqual(boundaries);
    expect(idFields(transform).map((f) => f.name)).toEqual(['site', 'segment', 'price_bucket']);
    const encoder = new Encoder(transform);
    const bucket = (price: number | null) => encoder.encode({ t: 0, y: 0, f: { site: 's1', segment: 'g1', price, title: '' } }, () => -1).categorical[2];
    expect(bucket(null)).toBe(0);
    expect(bucket(0)).toBe(1);
    expect(bucket(1e9)).toBe(boundaries.length + 1);
    expect(bucket(boundaries[3]!)).toBe(5);
  });

  it('crosses the pair of columns that interacts, and no other', () => {
    const fitter = new TransformFitter(spec);
    for (const example of examples(20_000, 2)) fitter.add(example);
    const transform = fitter.fit('2026-10');
    expect(transform.crosses).toEqual([{ fields: ['site', 'segment'], cardinality: 6 * 5 }]);
    // Each row's cell: site id × segment cardinality + segment id.
    const encoded = encode(new Encoder(transform), examples(3, 3));
    const cells = crossCells(transform, encoded.categorical, 3);
    for (let r = 0; r < 3; r++) expect(cells[r]).toBe(encoded.categorical[r * 3]! * 5 + encoded.categorical[r * 3 + 1]!);
  });

  it('encodes a transform saved before buckets existed without bucket ids', () => {
    const fitter = new TransformFitter(spec);
    for (const example of examples(500, 1)) fitter.add(example);
    const fitted = fitter.fit('2026-10');
    const old = { ...fitted, numeric: fitted.numeric.map((column) => ({ ...column, boundaries: undefined })) };
    expect(new Encoder(old).widths.categorical).toBe(2);
  });
});

describe('training', () => {
  const fitter = new TransformFitter(spec);
  const train = examples(20_000, 11);
  for (const example of train) fitter.add(example);
  const transform = fitter.fit('2026-10');
  const encoder = new Encoder(transform);
  const [trainSet, validationSet, testSet] = [encode(encoder, train), encode(encoder, examples(5000, 12)), encode(encoder, examples(10_000, 13))];
  const options: TrainOptions = {
    maxEpochs: 6,
    patience: 2,
    batchSize: 512,
    learningRate: 0.01,
    embeddingL2: 0.0001,
    idDropout: 0.05,
    linear: { learningRate: 0.02, l2: 0.0001 },
    seed: 5,
  };

  /** Trains with in-memory "checkpoints", as the activity does with the bucket. */
  async function fit(model: ReturnType<typeof buildClickModel>, trainOptions: TrainOptions, afterEpoch?: (epoch: number) => void) {
    const saved = new Map<number, tf.Tensor[]>();
    const optimizers = phaseOptimizers(trainOptions);
    const state = await runTraining({
      model,
      transform,
      train: inMemorySource(trainSet),
      validation: inMemorySource(validationSet),
      options: trainOptions,
      attempt: 1,
      optimizers,
      state: freshTrainState(trainOptions),
      onEpoch: async (next) => {
        saved.set(
          next.epoch,
          model.head.getWeights().map((w) => w.clone()),
        );
        afterEpoch?.(next.epoch);
      },
      restoreEpoch: async (epoch) => model.head.setWeights(saved.get(epoch)!),
    });
    model.head.setWeights(saved.get(state.bestEpoch)!);
    return state;
  }

  it('fits only the linear part first, then everything, and beats logistic regression on an interaction', async () => {
    const model = buildClickModel(transform, 0.2);
    const linear = new Set(linearVariables(model));
    // Per-id, per-cross-cell and per-word weights, numeric weights, and the final scale and bias.
    expect(transform.crosses).toHaveLength(1);
    expect(linear.size).toBe(6);
    // Until the joint phase wakes the deep part, the model is exactly its linear part.
    const full = predictLogits(model, transform, testSet, undefined);
    const linearPart = forwardLogits(model, transform, testSet, undefined, false, true).dataSync();
    expect(Array.from(full.slice(0, 50))).toEqual(Array.from(linearPart.slice(0, 50)));
    const deep = () =>
      trainableVariables(model)
        .filter((v) => !linear.has(v))
        .map((v) => v.dataSync().slice());
    const linearNow = () => [...linear].map((v) => v.dataSync().slice());
    const snapshots = new Map([[0, { deep: deep(), linear: linearNow() }]]);
    const state = await fit(model, { ...options, maxEpochs: 1 }, (epoch) => snapshots.set(epoch, { deep: deep(), linear: linearNow() }));
    expect(state.history.map((h) => h.phase)).toEqual(['linear', 'joint']);
    const changed = (a: ArrayLike<number>[], b: ArrayLike<number>[]) => a.some((values, i) => Array.from(values).some((x, j) => x !== b[i]![j]));
    // The linear epoch moved only the linear weights; the joint epoch moved the deep ones too.
    expect(changed(snapshots.get(0)!.linear, snapshots.get(1)!.linear)).toBe(true);
    expect(changed(snapshots.get(0)!.deep, snapshots.get(1)!.deep)).toBe(false);
    expect(changed(snapshots.get(1)!.deep, snapshots.get(2)!.deep)).toBe(true);

    const trained = buildClickModel(transform, 0.2);
    const trainedState = await fit(trained, options);
    const logistic = { head: buildLogisticHead(transform, 0.2) };
    await fit(logistic, { ...options, idDropout: 0, linear: undefined });
    const auc = (m: typeof trained) => computeMetrics(testSet.label, predictProbabilities(m, transform, testSet, undefined)).auc;
    expect(trainedState.history.some((h) => h.phase === 'joint')).toBe(true);
    expect(auc(trained)).toBeGreaterThan(auc(logistic) + 0.01);
  });

  it('keeps the best linear model when the joint phase cannot beat it', async () => {
    const model = buildClickModel(transform, 0.2);
    // A learning rate this large wrecks every joint epoch.
    const state = await fit(model, { ...options, learningRate: 5, patience: 1 });
    const linearBest = Math.min(...state.history.filter((h) => h.phase === 'linear').map((h) => h.validationLoss));
    expect(state.history.filter((h) => h.phase === 'joint').every((h) => h.validationLoss > linearBest)).toBe(true);
    expect(state.history[state.bestEpoch - 1]!.phase).toBe('linear');
    // What it keeps is exactly the linear model: the deep part adds nothing.
    const full = predictLogits(model, transform, testSet, undefined);
    expect(Array.from(full.slice(0, 50))).toEqual(Array.from(forwardLogits(model, transform, testSet, undefined, false, true).dataSync().slice(0, 50)));
  });

  it('predicts through the calibration it carries', () => {
    const model = buildClickModel(transform, 0.2);
    const logits = predictLogits(model, transform, testSet, undefined);
    model.calibration = { method: 'platt', slope: 0.5, intercept: -1, fittedOn: { rows: 1, positives: 1 } };
    const probabilities = predictProbabilities(model, transform, testSet, undefined);
    expect(probabilities[7]).toBeCloseTo(1 / (1 + Math.exp(-(0.5 * logits[7]! - 1))), 5);
  });
});

describe('tuning', () => {
  const base: TrainOptions = { maxEpochs: 8, patience: 2, batchSize: 2048, learningRate: 0.003, embeddingL2: 0.0003, idDropout: 0.1, seed: 42 };

  it('keeps the configured options as trial 0 and draws the others reproducibly', () => {
    const trials = tuningTrials(base, 4);
    expect(trials[0]).toEqual(base);
    expect(tuningTrials(base, 4)).toEqual(trials);
    expect(tuningTrials(base, 2)).toEqual(trials.slice(0, 2));
    expect(new Set(trials.map((t) => t.learningRate)).size).toBe(4);
    for (const trial of trials.slice(1)) {
      expect(trial.learningRate / base.learningRate).toBeGreaterThan(2 ** -1.5);
      expect(trial.learningRate / base.learningRate).toBeLessThan(2 ** 1.5);
    }
    expect(tuningTrials(base, 1)).toEqual([base]);
  });

  it('picks the trial with the lowest validation loss', () => {
    expect(
      bestTrial([
        { bestValidationLoss: 0.3, trial: 0 },
        { bestValidationLoss: 0.2, trial: 1 },
        { bestValidationLoss: 0.2, trial: 2 },
      ]).trial,
    ).toBe(1);
  });
});
