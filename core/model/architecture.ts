// The click model: a small conv tower that turns an ad's image into an embedding (computed once per
// unique image in a batch, shared by all its impressions), and a head over tabular, text and image.
import * as tf from '@tensorflow/tfjs';
import { categoricalCardinality, textCardinality, type FittedTransform } from '../features/transform';

export const IMAGE_EMBEDDING = 16;

export interface ClickModel {
  head: tf.LayersModel;
  imageTower?: tf.LayersModel;
}

/** Conv features for shapes (e.g. a call-to-action button) next to the image's mean colour, which
 *  carries hue and brightness directly instead of leaving the convolutions to rediscover them. */
export function buildImageTower(size: number): tf.LayersModel {
  const image = tf.input({ shape: [size, size, 3], name: 'pixels' });
  const conv = (filters: number, input: tf.SymbolicTensor) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const pool = (input: tf.SymbolicTensor) => tf.layers.maxPooling2d({ poolSize: 2 }).apply(input) as tf.SymbolicTensor;
  const shapes = tf.layers.globalAveragePooling2d({}).apply(conv(32, pool(conv(16, pool(conv(8, image)))))) as tf.SymbolicTensor;
  const colour = tf.layers.globalAveragePooling2d({}).apply(image) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([shapes, colour]) as tf.SymbolicTensor;
  const embedding = tf.layers.dense({ units: IMAGE_EMBEDDING, activation: 'relu' }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: embedding, name: 'image_tower' });
}

/** Width of every feature "field" vector, so any two can interact by a dot product. */
export const FIELD_SIZE = 8;

const dense = (units: number, input: tf.SymbolicTensor, options: Partial<Parameters<typeof tf.layers.dense>[0]> = {}) =>
  tf.layers.dense({ units, ...options }).apply(input) as tf.SymbolicTensor;

/** Head inputs, in order: numeric block, one per categorical column, one per text column, then the
 *  image embedding and an image-present flag (only when the spec has an image). Output: a logit.
 *  Every feature becomes an 8-wide field vector; pairwise dot products of the fields (as in DLRM and
 *  factorisation machines) let the top layers see interactions such as interest × ad category
 *  without having to discover them from few clicks. */
export function buildHead(transform: FittedTransform, baseRate: number): tf.LayersModel {
  const inputs: tf.SymbolicTensor[] = [];
  const fields: tf.SymbolicTensor[] = [];
  const extras: tf.SymbolicTensor[] = [];
  if (transform.numeric.length > 0) {
    const numeric = tf.input({ shape: [transform.numeric.length], name: 'numeric' });
    inputs.push(numeric);
    extras.push(numeric);
    fields.push(dense(FIELD_SIZE, numeric, { name: 'numeric_field' }));
  }
  transform.categorical.forEach((column) => {
    const input = tf.input({ shape: [1], name: `cat_${column.name}`, dtype: 'int32' });
    const embedded = tf.layers.embedding({ inputDim: categoricalCardinality(column), outputDim: FIELD_SIZE, name: `emb_${column.name}` }).apply(input) as tf.SymbolicTensor;
    inputs.push(input);
    fields.push(tf.layers.flatten().apply(embedded) as tf.SymbolicTensor);
  });
  transform.text.forEach((column) => {
    const input = tf.input({ shape: [column.maxTokens], name: `text_${column.name}`, dtype: 'int32' });
    const embedded = tf.layers.embedding({ inputDim: textCardinality(column), outputDim: FIELD_SIZE, name: `emb_${column.name}` }).apply(input) as tf.SymbolicTensor;
    inputs.push(input);
    fields.push(tf.layers.globalAveragePooling1d({}).apply(embedded) as tf.SymbolicTensor);
  });
  if (transform.image) {
    const embedding = tf.input({ shape: [IMAGE_EMBEDDING], name: 'image_embedding' });
    const present = tf.input({ shape: [1], name: 'image_present' });
    inputs.push(embedding, present);
    extras.push(present);
    fields.push(dense(FIELD_SIZE, embedding, { name: 'image_field' }));
  }
  const interactions: tf.SymbolicTensor[] = [];
  for (let i = 0; i < fields.length; i++) {
    for (let j = i + 1; j < fields.length; j++) interactions.push(tf.layers.dot({ axes: 1 }).apply([fields[i]!, fields[j]!]) as tf.SymbolicTensor);
  }
  const all = [...fields, ...interactions, ...extras];
  const joined = all.length > 1 ? (tf.layers.concatenate().apply(all) as tf.SymbolicTensor) : all[0]!;
  const hidden = dense(64, joined, { activation: 'relu' });
  const hidden2 = dense(32, hidden, { activation: 'relu' });
  // Start at the base click rate, so early epochs are already calibrated.
  const prior = Math.log(baseRate / (1 - baseRate));
  const logit = dense(1, hidden2, { biasInitializer: tf.initializers.constant({ value: prior }), name: 'logit' });
  return tf.model({ inputs, outputs: logit, name: 'click_head' });
}

/** Frees a model's weights (long-lived workers and servers load many). */
export function disposeClickModel(model: ClickModel): void {
  model.head.dispose();
  model.imageTower?.dispose();
}

export function buildClickModel(transform: FittedTransform, baseRate: number): ClickModel {
  return { head: buildHead(transform, baseRate), imageTower: transform.image ? buildImageTower(transform.image.size) : undefined };
}
