// The click head's forward pass written out over the LayersModel's own variables: the same logit as
// head.apply (test/head-forward.test.ts), in a fraction of its TensorFlow ops. tfjs' layers reshape
// around every embedding, flatten and dot, and each op runs eagerly from JS, so ops, not arithmetic,
// bound a training step. Weights stay the layers' variables: optimizers, checkpoints and saved files
// see no difference.
import * as tf from '@tensorflow/tfjs';
import type { HeadFeeds } from './head-feeds';
import type { DenseWeights, HeadLayout } from './head-layout';

/** The head's logit per row ([rows]); `linearOnly` computes just its linear part, as model.linear does. */
export function headLogits(layout: HeadLayout, feeds: HeadFeeds, linearOnly: boolean): tf.Tensor1D {
  const raw = rawInputs(feeds);
  const linear = linearLogit(layout, feeds, raw);
  const logit = linearOnly ? linear : tf.add(linear, deepLogit(layout, feeds, raw));
  return tf.reshape(logit, [feeds.rows]);
}

/** A dense layer as three plain ops: tf.fused.matMul reshapes its operands to 3-D and back, a TensorFlow op each. */
function dense(input: tf.Tensor, weights: DenseWeights, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  const product: tf.Tensor2D = tf.matMul(input as tf.Tensor2D, weights.kernel.read() as tf.Tensor2D);
  const biased = weights.bias ? (tf.add(product, weights.bias.read()) as tf.Tensor2D) : product;
  return activation === 'relu' ? (tf.relu(biased) as tf.Tensor2D) : biased;
}

/** Numeric values and whether the row has an image: read as they are by both parts. */
function rawInputs(feeds: HeadFeeds): tf.Tensor2D | undefined {
  const raw = [feeds.numeric, feeds.imagePresent].filter((t) => t !== undefined);
  return raw.length > 1 ? tf.concat(raw, 1) : raw[0];
}

/** wide_sum's ones kernel becomes the rows' wide weights summed (by one matMul, text words averaged). */
function linearLogit(layout: HeadLayout, feeds: HeadFeeds, raw: tf.Tensor2D | undefined): tf.Tensor2D {
  const terms: tf.Tensor2D[] = [];
  if (feeds.wide) {
    const tables = layout.wideTables.map((t) => t.read());
    const table = tables.length > 1 ? tf.concat(tables) : tables[0]!;
    const count = layout.wideShares.length;
    const weights = tf.reshape(tf.gather(table, feeds.wide), [feeds.rows, count]);
    terms.push(tf.matMul(weights, tf.tensor2d(layout.wideShares, [count, 1])));
  }
  if (raw && layout.wideNumeric) terms.push(tf.matMul(raw, layout.wideNumeric.read() as tf.Tensor2D));
  return dense(terms.length > 1 ? tf.concat(terms, 1) : terms[0]!, layout.linearLogit);
}

/** Fields side by side in one [rows, fields × size] matrix (also the top layers' first input), their
 *  pairwise dot products as one batched matMul, then the hidden layers. */
function deepLogit(layout: HeadLayout, feeds: HeadFeeds, raw: tf.Tensor2D | undefined): tf.Tensor2D {
  const { rows } = feeds;
  const size = layout.fieldSize;
  const fields: tf.Tensor[] = [];
  if (layout.numericField && feeds.numeric) fields.push(dense(feeds.numeric, layout.numericField));
  if (layout.idTable && feeds.ids) fields.push(tf.reshape(tf.gather(layout.idTable.read(), feeds.ids), [rows, layout.idColumns * size]));
  layout.text.forEach((column, i) => {
    const text = feeds.text[i]!;
    if (column.bag) return fields.push(tf.matMul(text as tf.Tensor2D, column.table.read() as tf.Tensor2D));
    // Tokens averaged by one matMul with [I; I; …] / maxTokens: tf.mean's gradient builds a ones tensor of
    // the gathered size in JS every step.
    const words = tf.reshape(tf.gather(column.table.read(), text), [rows, column.maxTokens * size]);
    fields.push(tf.matMul(words, averaging(column.maxTokens, size)));
  });
  if (layout.imageField && feeds.imageEmbedding) fields.push(dense(feeds.imageEmbedding, layout.imageField));
  const flat = fields.length > 1 ? tf.concat(fields, 1) : fields[0]!;
  const matrix = tf.reshape(flat, [rows, layout.fields, size]);
  const interactions = tf.reshape(tf.matMul(matrix, matrix, false, true), [rows, layout.fields * layout.fields]);
  let hidden: tf.Tensor = tf.concat([flat, interactions, ...(raw ? [raw] : [])], 1);
  for (const layer of layout.hidden) hidden = dense(hidden, layer, 'relu');
  return tf.matMul(hidden as tf.Tensor2D, layout.deepLogit.read() as tf.Tensor2D);
}

/** [count × size, size]: count identity matrices stacked, divided by count. */
function averaging(count: number, size: number): tf.Tensor2D {
  const matrix = new Float32Array(count * size * size);
  for (let k = 0; k < count; k++) for (let j = 0; j < size; j++) matrix[(k * size + j) * size + j] = 1 / count;
  return tf.tensor2d(matrix, [count * size, size]);
}
