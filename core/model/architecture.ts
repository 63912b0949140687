// The click model: a small conv tower that turns an ad's image into an embedding (computed once per
// unique image in a batch, shared by all its impressions), and a head over tabular, text and image.
import * as tf from '@tensorflow/tfjs';
import { categoricalCardinality, textCardinality, type FittedTransform } from '../features/transform';

export const IMAGE_EMBEDDING = 16;

export interface ClickModel {
  head: tf.LayersModel;
  imageTower?: tf.LayersModel;
}

const embeddingSize = (cardinality: number) => Math.max(2, Math.min(8, Math.round(cardinality ** 0.25)));

export function buildImageTower(size: number): tf.LayersModel {
  return tf.sequential({
    name: 'image_tower',
    layers: [
      tf.layers.conv2d({ inputShape: [size, size, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: IMAGE_EMBEDDING, activation: 'relu' }),
    ],
  });
}

/** Head inputs, in order: numeric block, one per categorical column, one per text column, then the
 *  image embedding and an image-present flag (only when the spec has an image). Output: a logit. */
export function buildHead(transform: FittedTransform, baseRate: number): tf.LayersModel {
  const inputs: tf.SymbolicTensor[] = [];
  const parts: tf.SymbolicTensor[] = [];
  if (transform.numeric.length > 0) {
    const numeric = tf.input({ shape: [transform.numeric.length], name: 'numeric' });
    inputs.push(numeric);
    parts.push(numeric);
  }
  transform.categorical.forEach((column) => {
    const input = tf.input({ shape: [1], name: `cat_${column.name}`, dtype: 'int32' });
    const cardinality = categoricalCardinality(column);
    const embedded = tf.layers.embedding({ inputDim: cardinality, outputDim: embeddingSize(cardinality), name: `emb_${column.name}` }).apply(input) as tf.SymbolicTensor;
    inputs.push(input);
    parts.push(tf.layers.flatten().apply(embedded) as tf.SymbolicTensor);
  });
  transform.text.forEach((column) => {
    const input = tf.input({ shape: [column.maxTokens], name: `text_${column.name}`, dtype: 'int32' });
    const embedded = tf.layers.embedding({ inputDim: textCardinality(column), outputDim: 8, name: `emb_${column.name}` }).apply(input) as tf.SymbolicTensor;
    inputs.push(input);
    parts.push(tf.layers.globalAveragePooling1d({}).apply(embedded) as tf.SymbolicTensor);
  });
  if (transform.image) {
    const embedding = tf.input({ shape: [IMAGE_EMBEDDING], name: 'image_embedding' });
    const present = tf.input({ shape: [1], name: 'image_present' });
    inputs.push(embedding, present);
    parts.push(embedding, present);
  }
  const joined = parts.length > 1 ? (tf.layers.concatenate().apply(parts) as tf.SymbolicTensor) : parts[0]!;
  const hidden = tf.layers.dense({ units: 64, activation: 'relu' }).apply(joined) as tf.SymbolicTensor;
  const hidden2 = tf.layers.dense({ units: 32, activation: 'relu' }).apply(hidden) as tf.SymbolicTensor;
  // Start at the base click rate, so early epochs are already calibrated.
  const prior = Math.log(baseRate / (1 - baseRate));
  const logit = tf.layers.dense({ units: 1, biasInitializer: tf.initializers.constant({ value: prior }), name: 'logit' }).apply(hidden2) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: logit, name: 'click_head' });
}

export function buildClickModel(transform: FittedTransform, baseRate: number): ClickModel {
  return { head: buildHead(transform, baseRate), imageTower: transform.image ? buildImageTower(transform.image.size) : undefined };
}
