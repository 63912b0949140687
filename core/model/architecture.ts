// The click model, Wide & Deep: a linear ("wide") logit over every feature — one weight per id, per
// numeric bucket, per headline word, per numeric value — so logistic regression is inside what it can
// learn, plus a deep part over 8-wide feature fields, their pairwise dot products (as in DLRM and
// factorisation machines) and an image embedding from a small conv tower run once per unique image.
import * as tf from '@tensorflow/tfjs';
import { idFields, textCardinality, type FittedTransform } from '../features/transform';
import type { Calibration } from './calibration';

export const IMAGE_EMBEDDING = 16;

export interface ClickModel {
  head: tf.LayersModel;
  imageTower?: tf.LayersModel;
  /** Applied to the head's logit when predicting; absent while training and in models saved before it. */
  calibration?: Calibration;
}

/** The deep part's size: what tuning searches over besides learning rate and L2. */
export interface HeadShape {
  /** Width of every feature field, so any two can interact by a dot product. */
  fieldSize: number;
  hidden: number[];
}

export const DEFAULT_HEAD_SHAPE: HeadShape = { fieldSize: 8, hidden: [64, 32] };

/** Conv features for shapes (e.g. a call-to-action button) next to the image's mean colour, which
 *  carries hue and brightness directly instead of leaving the convolutions to rediscover them. */
export function buildImageTower(size: number, seeds = seededInitializers(1)): tf.LayersModel {
  const image = tf.input({ shape: [size, size, 3], name: 'pixels' });
  const conv = (filters: number, input: tf.SymbolicTensor) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeds.glorot() }).apply(input) as tf.SymbolicTensor;
  const pool = (input: tf.SymbolicTensor) => tf.layers.maxPooling2d({ poolSize: 2 }).apply(input) as tf.SymbolicTensor;
  const shapes = tf.layers.globalAveragePooling2d({}).apply(conv(32, pool(conv(16, pool(conv(8, image)))))) as tf.SymbolicTensor;
  const colour = tf.layers.globalAveragePooling2d({}).apply(image) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([shapes, colour]) as tf.SymbolicTensor;
  const embedding = tf.layers.dense({ units: IMAGE_EMBEDDING, activation: 'relu', kernelInitializer: seeds.glorot() }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: embedding, name: 'image_tower' });
}

/** Initial weights drawn from a seed, so the same data and options train the same model. */
export function seededInitializers(seed: number) {
  let next = seed * 1000;
  return {
    glorot: () => tf.initializers.glorotUniform({ seed: next++ }),
    embedding: () => tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: next++ }),
  };
}

type Symbolic = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, input: Symbolic | Symbolic[]) => layer.apply(input) as Symbolic;
const concat = (parts: Symbolic[], axis = -1) => (parts.length > 1 ? apply(tf.layers.concatenate({ axis }), parts) : parts[0]!);

/** Head inputs, by name (forward.ts feeds them by these names): `numeric` [n], `ids` [fields] (every
 *  id column offset into one shared table, see idOffsets), `text_<column>` [maxTokens] per text
 *  column, and with an image `image_embedding` [16] and `image_present` [1]. Output: one logit. */
export function buildHead(transform: FittedTransform, baseRate: number, shape: HeadShape = DEFAULT_HEAD_SHAPE, seeds = seededInitializers(1)): tf.LayersModel {
  const { fieldSize } = shape;
  const inputs: Symbolic[] = [];
  const fields: Symbolic[] = [];
  const wide: Symbolic[] = [];
  const raw: Symbolic[] = [];
  const asField = (vector: Symbolic) => apply(tf.layers.reshape({ targetShape: [1, fieldSize] }), vector);

  if (transform.numeric.length > 0) {
    const numeric = tf.input({ shape: [transform.numeric.length], name: 'numeric' });
    inputs.push(numeric);
    raw.push(numeric);
    fields.push(asField(apply(tf.layers.dense({ units: fieldSize, kernelInitializer: seeds.glorot(), name: 'numeric_field' }), numeric)));
  }
  const ids = idFields(transform);
  if (ids.length > 0) {
    const input = tf.input({ shape: [ids.length], name: 'ids', dtype: 'int32' });
    const tableRows = ids.reduce((sum, field) => sum + field.cardinality, 0);
    inputs.push(input);
    fields.push(apply(tf.layers.embedding({ inputDim: tableRows, outputDim: fieldSize, embeddingsInitializer: seeds.embedding(), name: 'emb_fields' }), input));
    // One weight per id: the linear model's one-hot terms.
    wide.push(apply(tf.layers.flatten(), apply(tf.layers.embedding({ inputDim: tableRows, outputDim: 1, embeddingsInitializer: 'zeros', name: 'emb_wide' }), input)));
  }
  for (const column of transform.text) {
    const input = tf.input({ shape: [column.maxTokens], name: `text_${column.name}`, dtype: 'int32' });
    inputs.push(input);
    const tokens = (width: number, name: string, embeddingsInitializer: ReturnType<typeof tf.initializers.zeros> | 'zeros') =>
      apply(tf.layers.globalAveragePooling1d({}), apply(tf.layers.embedding({ inputDim: textCardinality(column), outputDim: width, name, embeddingsInitializer }), input));
    fields.push(asField(tokens(fieldSize, `emb_text_${column.name}`, seeds.embedding())));
    wide.push(tokens(1, `emb_wide_text_${column.name}`, 'zeros'));
  }
  if (transform.image) {
    const embedding = tf.input({ shape: [IMAGE_EMBEDDING], name: 'image_embedding' });
    const present = tf.input({ shape: [1], name: 'image_present' });
    inputs.push(embedding, present);
    raw.push(present);
    fields.push(asField(apply(tf.layers.dense({ units: fieldSize, kernelInitializer: seeds.glorot(), name: 'image_field' }), embedding)));
  }

  const fieldMatrix = concat(fields, 1);
  // All pairwise dot products at once: [fields × fields], symmetric, so the top layers see each pair twice.
  // (The second operand is a reshaped copy: tfjs' executor frees a tensor fed twice to one layer too early.)
  const fieldCopy = apply(tf.layers.reshape({ targetShape: fieldMatrix.shape.slice(1) as number[] }), fieldMatrix);
  const interactions = apply(tf.layers.flatten(), apply(tf.layers.dot({ axes: [2, 2] }), [fieldMatrix, fieldCopy]));
  let hidden = concat([apply(tf.layers.flatten(), fieldMatrix), interactions, ...raw]);
  shape.hidden.forEach((units, i) => {
    hidden = apply(tf.layers.dense({ units, activation: 'relu', kernelInitializer: seeds.glorot(), name: `hidden_${i}` }), hidden);
  });
  // Start at the base click rate, so early epochs are already calibrated.
  const prior = Math.log(baseRate / (1 - baseRate));
  const deepLogit = apply(tf.layers.dense({ units: 1, kernelInitializer: seeds.glorot(), biasInitializer: tf.initializers.constant({ value: prior }), name: 'deep_logit' }), hidden);
  const terms = [deepLogit];
  // The per-id and per-word weights are summed as they are (a fixed all-ones kernel): a learned scale
  // on zero-initialised weights would never move off zero.
  if (wide.length > 0) terms.push(apply(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', trainable: false, name: 'wide_sum' }), concat(wide)));
  if (raw.length > 0) terms.push(apply(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros', name: 'wide_numeric' }), concat(raw)));
  const logit = terms.length > 1 ? apply(tf.layers.add({ name: 'logit' }), terms) : deepLogit;
  return tf.model({ inputs, outputs: logit, name: 'click_head' });
}

/** Where each id column starts in the shared table: forward.ts adds these to the encoded ids. */
export function idOffsets(transform: FittedTransform): Int32Array {
  const fields = idFields(transform);
  const offsets = new Int32Array(fields.length);
  for (let i = 1; i < fields.length; i++) offsets[i] = offsets[i - 1]! + fields[i - 1]!.cardinality;
  return offsets;
}

/** The linear part's weights (per-id and per-word weights, numeric weights) and the logit's bias: what
 *  the first training phase fits, a logistic regression inside the model. */
export function linearVariables(model: ClickModel): tf.Variable[] {
  return model.head.layers.flatMap((layer) => {
    if (layer.name === 'wide_numeric' || layer.name.startsWith('emb_wide')) return layer.trainableWeights;
    if (layer.name === 'deep_logit') return layer.trainableWeights.filter((w) => w.originalName.endsWith('bias'));
    return [];
  }).map((w) => w.read() as tf.Variable);
}

/** Frees a model's weights (long-lived workers and servers load many). */
export function disposeClickModel(model: ClickModel): void {
  model.head.dispose();
  model.imageTower?.dispose();
}

export function buildClickModel(transform: FittedTransform, baseRate: number, shape: HeadShape = DEFAULT_HEAD_SHAPE, seed = 1): ClickModel {
  const seeds = seededInitializers(seed);
  return { head: buildHead(transform, baseRate, shape, seeds), imageTower: transform.image ? buildImageTower(transform.image.size, seeds) : undefined };
}
