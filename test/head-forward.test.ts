// The hand-written forward pass (core/model/head-forward.ts) and step loss (core/model/step-loss.ts)
// against tfjs' layers and losses on the real TensorFlow backend: the same logits, the same gradients
// for every trainable variable, the same training steps; heads it does not know still run as layers.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder, type EncodedDataset } from '../core/features/dataset';
import type { Example } from '../core/features/example';
import { parseRow } from '../core/features/parse-row';
import { parseFeatureSpec } from '../core/features/spec';
import { Encoder, textCardinality, TransformFitter } from '../core/features/transform';
import { buildClickModel, linearVariables, wakeDeepPart, type ClickModel, type HeadShape } from '../core/model/architecture';
import { FlatAdamOptimizer } from '../core/model/flat-adam';
import { forwardLogits, layersLogits, sliceDataset, type PixelSource } from '../core/model/forward';
import { BAG_WORDS, headLayout } from '../core/model/head-layout';
import { buildLogisticHead } from '../core/model/logistic-head';
import { loadClickModel } from '../core/model/model-files';
import { batchLogLoss, l2Penalty } from '../core/model/step-loss';
import { trainableVariables } from '../core/model/train-loop';
import { Random } from '../core/random';
import { LocalStore } from '../core/storage/local-store';

const IMAGE_SIZE = 8;
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'models', 'release-a8f41e1');
const spec = parseFeatureSpec({
  name: 'head-forward',
  columns: [
    { name: 'ts', role: 'timestamp' },
    { name: 'y', role: 'label' },
    { name: 'site', role: 'categorical', vocabularySize: 10 },
    { name: 'segment', role: 'categorical', vocabularySize: 10 },
    { name: 'price', role: 'numeric', min: 0 },
    { name: 'age', role: 'numeric', min: 0 },
    { name: 'title', role: 'text', maxTokens: 4, vocabularySize: 50 },
    // More words than BAG_WORDS: its tokens are gathered instead of counted.
    { name: 'body', role: 'text', maxTokens: 6, vocabularySize: 1000 },
    { name: 'banner', role: 'image', size: IMAGE_SIZE },
  ],
});

/** Clicks depend on segment × site, so the fitter crosses the pair; a third of rows have no image. */
function examples(count: number, seed: number): Example[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const site = random.int(0, 4);
    const segment = random.int(0, 3);
    const logit = -1.5 + 0.3 * site + (segment === site % 4 ? 1.5 : 0);
    return {
      t: 0,
      y: random.chance(1 / (1 + Math.exp(-logit))) ? 1 : 0,
      f: {
        site: `s${site}`,
        segment: `g${segment}`,
        price: Math.exp(random.normal(3, 1)),
        age: random.chance(0.1) ? null : random.int(18, 80),
        title: random.pick(['big sale', 'new in', 'free gift today', 'unheard words']),
        body: Array.from({ length: random.int(1, 8) }, () => `w${random.int(0, 799)}`).join(' '),
        banner: `b${site}`,
      },
    };
  });
}

const fitter = new TransformFitter(spec);
for (const example of examples(20_000, 1)) fitter.add(example);
const transform = fitter.fit('2026-10');
const encoder = new Encoder(transform);
const imageRow = (key: string) => (key === 'b0' ? -1 : Number(key.slice(1)) - 1);
function encode(rows: Example[]): EncodedDataset {
  const builder = new DatasetBuilder(encoder.widths);
  for (const example of rows) builder.push(encoder.encode(example, imageRow), example.y);
  return builder.build();
}
const batch = encode(examples(300, 2));
const pixelRandom = new Random(3);
const images = Array.from({ length: 4 }, () => Uint8Array.from({ length: IMAGE_SIZE * IMAGE_SIZE * 3 }, () => pixelRandom.int(0, 255)));
const pixels: PixelSource = (row) => images[row]!;

/** A head whose every weight is non-zero and seeded (the zero-initialised linear tables included). */
function randomModel(seed: number, shape?: HeadShape): ClickModel {
  const model = buildClickModel(transform, 0.2, shape, seed);
  wakeDeepPart(model, seed);
  // trainableWeights, not weights: wide_sum's fixed ones kernel stays as it is.
  const all = [...model.head.trainableWeights, ...model.imageTower!.trainableWeights];
  all.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', seed * 100 + i)));
  // Otherwise forwardLogits would run the layers too, and every comparison below would hold trivially.
  expect(headLayout(model.head, transform)).toBeDefined();
  return model;
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const maxDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('the hand-written head', () => {
  it('is used for a head of today with every kind of input', () => {
    expect(transform.crosses).toHaveLength(1);
    expect(transform.image).toBeDefined();
    expect(transform.numeric.some((c) => c.boundaries)).toBe(true);
    const layout = headLayout(randomModel(1).head, transform);
    // numeric, site, segment, 2 numeric buckets, title, body, image
    expect(layout?.fields).toBe(8);
    expect(textCardinality(transform.text[1]!)).toBeGreaterThan(BAG_WORDS);
    expect(layout?.text.map((t) => t.bag)).toEqual([true, false]);
    expect(layout?.hidden).toHaveLength(2);
  });

  it('computes the logits head.apply computes, and linear.apply for the linear part', () => {
    const model = randomModel(2);
    const ours = tf.tidy(() => forwardLogits(model, transform, batch, pixels, false));
    const theirs = tf.tidy(() => layersLogits(model, transform, batch, pixels, false));
    expect(new Set(values(ours).map((v) => v.toFixed(3))).size).toBeGreaterThan(50);
    expect(maxDifference(ours, theirs)).toBeLessThan(1e-5);
    const linear = tf.tidy(() => forwardLogits(model, transform, batch, pixels, false, true));
    const linearTheirs = tf.tidy(() => layersLogits(model, transform, batch, pixels, false, true));
    expect(maxDifference(linear, linearTheirs)).toBeLessThan(1e-5);
    expect(maxDifference(linear, ours)).toBeGreaterThan(0.1);
    // Serving hands in the tower's embeddings instead of pixels: the same logits again.
    const embeddings = tf.tidy(
      () =>
        model.imageTower!.apply(
          tf
            .tensor4d(Uint8Array.from(images.flatMap((i) => [...i])), [4, IMAGE_SIZE, IMAGE_SIZE, 3], 'int32')
            .toFloat()
            .div(255)
            .sub(0.5),
        ) as tf.Tensor,
    );
    const served = tf.tidy(() => forwardLogits(model, transform, batch, { embeddings: embeddings.dataSync() as Float32Array }, false));
    expect(maxDifference(served, theirs)).toBeLessThan(1e-5);
  });

  // The hand-written backward splits the first deep layer's kernel: with no hidden layer, that is the logit's.
  it.each([undefined, { fieldSize: 4, hidden: [] }, { fieldSize: 6, hidden: [16] }])(
    'gives every trainable variable the gradient the layers give it, in both phases (shape %o)',
    (shape) => {
      const model = randomModel(3, shape);
      const labels = tf.tensor1d(batch.label);
      const gradients = (forward: typeof forwardLogits, linearOnly: boolean, variables: tf.Variable[]) =>
        tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(labels, forward(model, transform, batch, pixels, true, linearOnly)) as tf.Scalar, variables).grads;
      for (const [linearOnly, variables] of [
        [false, trainableVariables(model)],
        [true, linearVariables(model)],
      ] as const) {
        const ours = gradients(forwardLogits, linearOnly, variables);
        const theirs = gradients(layersLogits, linearOnly, variables);
        expect(Object.keys(ours).sort()).toEqual(variables.map((v) => v.name).sort());
        for (const name of Object.keys(theirs)) {
          const scale = tf.tidy(() => tf.max(tf.abs(theirs[name]!)).dataSync()[0]!);
          expect(scale, name).toBeGreaterThan(0);
          expect(maxDifference(ours[name]!, theirs[name]!), name).toBeLessThan(1e-4 * Math.max(scale, 1));
        }
      }
    },
  );

  it('computes the log loss and L2 penalty, and their gradients, as tf.losses and square().sum() do', () => {
    const logits = tf.variable(tf.randomNormal<tf.Rank.R1>([batch.rows], 0, 3, 'float32', 4), true, 'head_forward_logits');
    const tables = [tf.variable(tf.randomNormal([20, 8], 0, 1, 'float32', 5)), tf.variable(tf.randomNormal([20, 1], 0, 1, 'float32', 6))];
    const labels = tf.tensor1d(batch.label);
    const penalties = [
      { tables: [tables[0]!], l2: 3e-4 },
      { tables: [tables[1]!], l2: 1e-4 },
    ];
    const ours = tf.variableGrads(() => tf.add(batchLogLoss(logits, labels), l2Penalty(penalties)!));
    const theirs = tf.variableGrads(() =>
      penalties.reduce(
        (total, p) => total.add(tf.addN(p.tables.map((v) => v.square().sum())).mul(p.l2)) as tf.Scalar,
        tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar,
      ),
    );
    expect(Math.abs(ours.value.dataSync()[0]! - theirs.value.dataSync()[0]!)).toBeLessThan(1e-6);
    expect(Object.keys(ours.grads).sort()).toEqual(Object.keys(theirs.grads).sort());
    for (const name of Object.keys(theirs.grads)) expect(maxDifference(ours.grads[name]!, theirs.grads[name]!), name).toBeLessThan(1e-6);
  });

  it('trains to the losses the layers and tfjs losses train to', () => {
    const step = (model: ClickModel, optimizer: tf.Optimizer, ours: boolean, rows: EncodedDataset) => {
      const variables = trainableVariables(model);
      const penalties = [{ tables: variables.filter((v) => v.name.includes('emb_')), l2: 3e-4 }];
      const loss = tf.tidy(() =>
        optimizer.minimize(
          () => {
            const labels = tf.tensor1d(rows.label);
            if (ours) return tf.add(batchLogLoss(forwardLogits(model, transform, rows, pixels, true), labels), l2Penalty(penalties)!);
            const data = tf.losses.sigmoidCrossEntropy(labels, layersLogits(model, transform, rows, pixels, true)) as tf.Scalar;
            return data.add(tf.addN(penalties[0]!.tables.map((v) => v.square().sum())).mul(3e-4)) as tf.Scalar;
          },
          true,
          variables,
        )!,
      );
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    };
    const [ours, theirs] = [randomModel(6), randomModel(6)];
    const [ourAdam, theirAdam] = [new FlatAdamOptimizer(0.01), new FlatAdamOptimizer(0.01)];
    const data = encode(examples(2000, 7));
    const losses: [number, number][] = [];
    for (let i = 0; i < 20; i++) {
      const rows = sliceDataset(data, (i % 10) * 200, (i % 10) * 200 + 200);
      losses.push([step(ours, ourAdam, true, rows), step(theirs, theirAdam, false, rows)]);
    }
    expect(losses[19]![0]).toBeLessThan(losses[0]![0] - 0.05);
    for (const [a, b] of losses) expect(Math.abs(a - b)).toBeLessThan(1e-3);
  });
});

describe('heads it does not recognise', () => {
  it("run as layers: the previous release's champion, and the logistic baseline", async () => {
    const loaded = await loadClickModel(new LocalStore(FIXTURE), 'model');
    expect(headLayout(loaded.model.head, loaded.transform)).toBeUndefined();
    const { instances } = JSON.parse(await fs.readFile(path.join(FIXTURE, 'expected-predictions.json'), 'utf8')) as {
      instances: Record<string, string | number | null>[];
    };
    const oldSpec = parseFeatureSpec(loaded.spec);
    const oldEncoder = new Encoder(loaded.transform);
    const builder = new DatasetBuilder(oldEncoder.widths);
    for (const instance of instances) {
      const row = parseRow(oldSpec, instance, { requireLabel: false, resolveImage: (key) => key });
      if (!row.ok) throw new Error(row.reason);
      builder.push(
        oldEncoder.encode(row.example, () => -1),
        0,
      );
    }
    const rows = builder.build();
    const viaForward = tf.tidy(() => forwardLogits(loaded.model, loaded.transform, rows, undefined, false));
    const viaLayers = tf.tidy(() => layersLogits(loaded.model, loaded.transform, rows, undefined, false));
    expect(values(viaForward)).toEqual(values(viaLayers));

    const logistic = { head: buildLogisticHead(transform, 0.2) };
    expect(headLayout(logistic.head, transform)).toBeUndefined();
    expect(values(tf.tidy(() => forwardLogits(logistic, transform, batch, undefined, false)))).toEqual(
      values(tf.tidy(() => layersLogits(logistic, transform, batch, undefined, false))),
    );
  });
});
