// The click head's forward pass written out over the LayersModel's own variables: the same logit as
// head.apply (test/head-forward.test.ts), in a fraction of its TensorFlow ops. tfjs' layers reshape
// around every embedding, flatten and dot, and each op runs eagerly from JS, so ops, not arithmetic,
// bound a training step. Weights stay the layers' variables: optimizers, checkpoints and saved files
// see no difference. The whole head is one tf.customGrad whose gradients head-backward.ts writes out:
// the tape records one node a step instead of ~100, and keeps only the tensors the backward reads.
import * as tf from '@tensorflow/tfjs';
import { headGradients, type HeadTrace } from './head-backward';
import type { HeadFeeds } from './head-feeds';
import type { DenseWeights, HeadLayout } from './head-layout';

/** The head's logit per row ([rows]); `linearOnly` computes just its linear part, as model.linear does. */
export function headLogits(layout: HeadLayout, feeds: HeadFeeds, linearOnly: boolean): tf.Tensor1D {
  const variables = headVariables(layout, linearOnly);
  // The tower's embeddings are an input too: their gradient carries on into the image tower.
  const image = !linearOnly && feeds.imageEmbedding ? [feeds.imageEmbedding] : [];
  const head = tf.customGrad((...args) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const trace: HeadTrace = new Map();
    const value = logits(layout, feeds, linearOnly, trace);
    const names = [...trace.keys()];
    // Saved, not captured: tensors made inside a minimize() callback are gone by the time gradients run.
    save([...trace.values()]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const gradients = headGradients(layout, new Map(names.map((name, i) => [name, saved[i]!])), dy as tf.Tensor1D, linearOnly);
        return [...variables.map((v) => gradients.variables.get(v)!), ...(image.length > 0 ? [gradients.image!] : [])];
      },
    };
  });
  return head(...variables, ...image) as tf.Tensor1D;
}

/** The variables a forward pass reads, in a fixed order. */
function headVariables(layout: HeadLayout, linearOnly: boolean): tf.Variable[] {
  const dense = (d?: DenseWeights) => (d ? [d.kernel, ...(d.bias ? [d.bias] : [])] : []);
  const linear = [...layout.wideTables, ...(layout.wideNumeric ? [layout.wideNumeric] : []), ...dense(layout.linearLogit)];
  const deep = [
    ...dense(layout.numericField),
    ...(layout.idTable ? [layout.idTable] : []),
    ...layout.text.map((t) => t.table),
    ...dense(layout.imageField),
    ...layout.hidden.flatMap(dense),
    layout.deepLogit,
  ];
  return (linearOnly ? linear : [...linear, ...deep]).map((w) => w.read() as tf.Variable);
}

/** The forward pass; `trace` receives what the backward reads. */
function logits(layout: HeadLayout, feeds: HeadFeeds, linearOnly: boolean, trace: HeadTrace): tf.Tensor1D {
  const raw = rawInputs(feeds);
  if (raw) trace.set('raw', raw);
  const linear = linearLogit(layout, feeds, raw, trace);
  const logit = linearOnly ? linear : tf.add(linear, deepLogit(layout, feeds, raw, trace));
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
function linearLogit(layout: HeadLayout, feeds: HeadFeeds, raw: tf.Tensor2D | undefined, trace: HeadTrace): tf.Tensor2D {
  const terms: tf.Tensor2D[] = [];
  if (feeds.wide) {
    const tables = layout.wideTables.map((t) => t.read());
    const table = tables.length > 1 ? tf.concat(tables) : tables[0]!;
    const count = layout.wideShares.length;
    const weights = tf.reshape(tf.gather(table, feeds.wide), [feeds.rows, count]);
    const shares = tf.tensor2d(layout.wideShares, [count, 1]);
    terms.push(tf.matMul(weights, shares));
    trace.set('wide', feeds.wide).set('shares', shares);
  }
  if (raw && layout.wideNumeric) terms.push(tf.matMul(raw, layout.wideNumeric.read() as tf.Tensor2D));
  const input = terms.length > 1 ? tf.concat(terms, 1) : terms[0]!;
  trace.set('terms', input);
  return dense(input, layout.linearLogit);
}

/** Fields side by side in one [rows, fields × size] matrix (also the top layers' first input), their
 *  pairwise dot products as one batched matMul, then the hidden layers. */
function deepLogit(layout: HeadLayout, feeds: HeadFeeds, raw: tf.Tensor2D | undefined, trace: HeadTrace): tf.Tensor2D {
  const { rows } = feeds;
  const size = layout.fieldSize;
  const fields: tf.Tensor[] = [];
  if (layout.numericField && feeds.numeric) {
    fields.push(dense(feeds.numeric, layout.numericField));
    trace.set('numeric', feeds.numeric);
  }
  if (layout.idTable && feeds.ids) {
    fields.push(tf.reshape(tf.gather(layout.idTable.read(), feeds.ids), [rows, layout.idColumns * size]));
    trace.set('ids', feeds.ids);
  }
  layout.text.forEach((column, i) => {
    const text = feeds.text[i]!;
    trace.set(`text${i}`, text);
    if (column.bag) return fields.push(tf.matMul(text as tf.Tensor2D, column.table.read() as tf.Tensor2D));
    // Tokens averaged by one matMul with [I; I; …] / maxTokens: tf.mean's gradient builds a ones tensor of
    // the gathered size in JS every step.
    const words = tf.reshape(tf.gather(column.table.read(), text), [rows, column.maxTokens * size]);
    const average = averaging(column.maxTokens, size);
    trace.set(`average${i}`, average);
    fields.push(tf.matMul(words, average));
  });
  if (layout.imageField && feeds.imageEmbedding) {
    fields.push(dense(feeds.imageEmbedding, layout.imageField));
    trace.set('image', feeds.imageEmbedding);
  }
  const flat = fields.length > 1 ? tf.concat(fields, 1) : fields[0]!;
  const matrix = tf.reshape(flat, [rows, layout.fields, size]);
  const interactions = tf.reshape(tf.matMul(matrix, matrix, false, true), [rows, layout.fields * layout.fields]);
  let hidden: tf.Tensor = tf.concat([flat, interactions, ...(raw ? [raw] : [])], 1);
  trace.set('matrix', matrix).set('hidden0', hidden);
  layout.hidden.forEach((layer, i) => {
    hidden = dense(hidden, layer, 'relu');
    trace.set(`hidden${i + 1}`, hidden);
  });
  return tf.matMul(hidden as tf.Tensor2D, layout.deepLogit.read() as tf.Tensor2D);
}

/** [count × size, size]: count identity matrices stacked, divided by count. */
function averaging(count: number, size: number): tf.Tensor2D {
  const matrix = new Float32Array(count * size * size);
  for (let k = 0; k < count; k++) for (let j = 0; j < size; j++) matrix[(k * size + j) * size + j] = 1 / count;
  return tf.tensor2d(matrix, [count * size, size]);
}
