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
  /** The head's linear part alone, sharing its weights (built for training; not saved). */
  linear?: tf.LayersModel;
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
 *  id column offset into one shared table, see idOffsets), `crosses` [pairs] (cell ids, see
 *  crossCells), `text_<column>` [maxTokens] per text column, and with an image `image_embedding` [16]
 *  and `image_present` [1]. Output: one logit. */
export function buildHead(
  transform: FittedTransform,
  baseRate: number,
  shape: HeadShape = DEFAULT_HEAD_SHAPE,
  seeds = seededInitializers(1),
): { head: tf.LayersModel; linear: tf.LayersModel } {
  const { fieldSize } = shape;
  const inputs: Symbolic[] = [];
  const linearInputs: Symbolic[] = [];
  const fields: Symbolic[] = [];
  const wide: Symbolic[] = [];
  const raw: Symbolic[] = [];
  const asField = (vector: Symbolic) => apply(tf.layers.reshape({ targetShape: [1, fieldSize] }), vector);

  if (transform.numeric.length > 0) {
    const numeric = tf.input({ shape: [transform.numeric.length], name: 'numeric' });
    inputs.push(numeric);
    linearInputs.push(numeric);
    raw.push(numeric);
    fields.push(asField(apply(tf.layers.dense({ units: fieldSize, kernelInitializer: seeds.glorot(), name: 'numeric_field' }), numeric)));
  }
  const ids = idFields(transform);
  if (ids.length > 0) {
    const input = tf.input({ shape: [ids.length], name: 'ids', dtype: 'int32' });
    const tableRows = ids.reduce((sum, field) => sum + field.cardinality, 0);
    inputs.push(input);
    linearInputs.push(input);
    fields.push(apply(tf.layers.embedding({ inputDim: tableRows, outputDim: fieldSize, embeddingsInitializer: seeds.embedding(), name: 'emb_fields' }), input));
    // One weight per id: the linear model's one-hot terms.
    wide.push(
      apply(tf.layers.flatten(), apply(tf.layers.embedding({ inputDim: tableRows, outputDim: 1, embeddingsInitializer: 'zeros', name: 'emb_wide' }), input)),
    );
  }
  const crosses = transform.crosses ?? [];
  if (crosses.length > 0) {
    // One weight per cell of each chosen pair of id columns, in the linear part only.
    const input = tf.input({ shape: [crosses.length], name: 'crosses', dtype: 'int32' });
    inputs.push(input);
    linearInputs.push(input);
    const cells = crosses.reduce((sum, cross) => sum + cross.cardinality, 0);
    wide.push(
      apply(
        tf.layers.flatten(),
        apply(tf.layers.embedding({ inputDim: cells, outputDim: 1, embeddingsInitializer: 'zeros', name: 'emb_wide_crosses' }), input),
      ),
    );
  }
  for (const column of transform.text) {
    const input = tf.input({ shape: [column.maxTokens], name: `text_${column.name}`, dtype: 'int32' });
    inputs.push(input);
    linearInputs.push(input);
    const tokens = (width: number, name: string, embeddingsInitializer: ReturnType<typeof tf.initializers.zeros> | 'zeros') =>
      apply(
        tf.layers.globalAveragePooling1d({}),
        apply(tf.layers.embedding({ inputDim: textCardinality(column), outputDim: width, name, embeddingsInitializer }), input),
      );
    fields.push(asField(tokens(fieldSize, `emb_text_${column.name}`, seeds.embedding())));
    wide.push(tokens(1, `emb_wide_text_${column.name}`, 'zeros'));
  }
  if (transform.image) {
    const embedding = tf.input({ shape: [IMAGE_EMBEDDING], name: 'image_embedding' });
    const present = tf.input({ shape: [1], name: 'image_present' });
    inputs.push(embedding, present);
    linearInputs.push(present);
    raw.push(present);
    fields.push(asField(apply(tf.layers.dense({ units: fieldSize, kernelInitializer: seeds.glorot(), name: 'image_field' }), embedding)));
  }

  // The linear part. Per-id and per-word weights are summed as they are (a fixed all-ones kernel: a
  // learned scale on zero-initialised weights would never move off zero); the bias starts at the base
  // click rate, so early epochs are already calibrated.
  const linearTerms: Symbolic[] = [];
  if (wide.length > 0)
    linearTerms.push(apply(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', trainable: false, name: 'wide_sum' }), concat(wide)));
  if (raw.length > 0) linearTerms.push(apply(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros', name: 'wide_numeric' }), concat(raw)));
  const prior = Math.log(baseRate / (1 - baseRate));
  const linearLogit = apply(
    tf.layers.dense({ units: 1, kernelInitializer: 'ones', biasInitializer: tf.initializers.constant({ value: prior }), name: 'linear_logit' }),
    concat(linearTerms),
  );

  const fieldMatrix = concat(fields, 1);
  // All pairwise dot products at once: [fields × fields], symmetric, so the top layers see each pair twice.
  // (The second operand is a reshaped copy: tfjs' executor frees a tensor fed twice to one layer too early.)
  const fieldCopy = apply(tf.layers.reshape({ targetShape: fieldMatrix.shape.slice(1) as number[] }), fieldMatrix);
  const interactions = apply(tf.layers.flatten(), apply(tf.layers.dot({ axes: [2, 2] }), [fieldMatrix, fieldCopy]));
  let hidden = concat([apply(tf.layers.flatten(), fieldMatrix), interactions, ...raw]);
  shape.hidden.forEach((units, i) => {
    hidden = apply(tf.layers.dense({ units, activation: 'relu', kernelInitializer: seeds.glorot(), name: `hidden_${i}` }), hidden);
  });
  // Zero until the joint phase wakes it (wakeDeepPart): until then the model is exactly its linear part.
  const deepLogit = apply(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros', name: DEEP_LOGIT }), hidden);
  const logit = apply(tf.layers.add({ name: 'logit' }), [linearLogit, deepLogit]);
  return {
    head: tf.model({ inputs, outputs: logit, name: 'click_head' }),
    linear: tf.model({ inputs: linearInputs, outputs: linearLogit, name: 'linear_part' }),
  };
}

const DEEP_LOGIT = 'deep_logit';

/** Starts the joint phase: the deep part's output weights get small seeded values, so gradients reach
 *  the layers below them at once instead of waiting for a zero kernel to move. */
export function wakeDeepPart(model: ClickModel, seed: number): void {
  const layer = model.head.layers.find((l) => l.name === DEEP_LOGIT);
  if (!layer) return;
  const [kernel] = layer.getWeights();
  layer.setWeights([tf.tidy(() => tf.randomUniform(kernel!.shape, -0.05, 0.05, 'float32', seed))]);
}

/** Where each id column starts in the shared table: forward.ts adds these to the encoded ids. */
export function idOffsets(transform: FittedTransform): Int32Array {
  const fields = idFields(transform);
  const offsets = new Int32Array(fields.length);
  for (let i = 1; i < fields.length; i++) offsets[i] = offsets[i - 1]! + fields[i - 1]!.cardinality;
  return offsets;
}

/** The linear part's weights (per-id and per-word weights, numeric weights, the bias): what the first
 *  training phase fits, a logistic regression inside the model. */
export function linearVariables(model: ClickModel): tf.Variable[] {
  return (model.linear?.trainableWeights ?? []).map((w) => w.read() as tf.Variable);
}

/** Each row's cell in each cross, offset into one table: cross k starts after crosses 0..k-1's cells. */
export function crossCells(transform: FittedTransform, categorical: Int32Array, rows: number): Int32Array {
  const crosses = transform.crosses ?? [];
  const fields = idFields(transform);
  const width = fields.length;
  const index = new Map(fields.map((field, i) => [field.name, i]));
  const out = new Int32Array(rows * crosses.length);
  let offset = 0;
  crosses.forEach((cross, k) => {
    const a = index.get(cross.fields[0])!;
    const b = index.get(cross.fields[1])!;
    const columns = fields[b]!.cardinality;
    for (let r = 0; r < rows; r++) out[r * crosses.length + k] = offset + categorical[r * width + a]! * columns + categorical[r * width + b]!;
    offset += cross.cardinality;
  });
  return out;
}

/** Frees a model's weights (long-lived workers and servers load many). */
export function disposeClickModel(model: ClickModel): void {
  // The linear view shares the head's layers: freeing the head frees it too.
  model.head.dispose();
  model.imageTower?.dispose();
}

export function buildClickModel(transform: FittedTransform, baseRate: number, shape: HeadShape = DEFAULT_HEAD_SHAPE, seed = 1): ClickModel {
  const seeds = seededInitializers(seed);
  const { head, linear } = buildHead(transform, baseRate, shape, seeds);
  return { head, linear, imageTower: transform.image ? buildImageTower(transform.image.size, seeds) : undefined };
}
