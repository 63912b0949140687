// The click head's backward pass written out, for head-forward.ts' customGrad: each variable's gradient
// straight from the saved feeds and activations (dense: xᵀ·dy and Σ dy; embedding tables: one
// UnsortedSegmentSum each; interactions: one batched matMul each way). The same gradients as tfjs'
// layers give (test/head-forward.test.ts), without the reshapes and copies their tape adds.
import * as tf from '@tensorflow/tfjs';
import type { DenseWeights, HeadLayout } from './head-layout';

type Weight = HeadLayout['deepLogit'];

/** What the forward pass keeps for the backward, by name: feeds and activations. */
export type HeadTrace = Map<string, tf.Tensor>;

export interface HeadGradients {
  variables: Map<tf.Variable, tf.Tensor>;
  /** The image embeddings' gradient, passed on to the tower (joint phase with an image column). */
  image?: tf.Tensor2D;
}

/** Every read variable's gradient given the logits' gradient `dy` ([rows]). */
export function headGradients(layout: HeadLayout, trace: HeadTrace, dy: tf.Tensor1D, linearOnly: boolean): HeadGradients {
  const gradients = new Map<tf.Variable, tf.Tensor>();
  const dLogit = tf.reshape(dy, [dy.shape[0], 1]) as tf.Tensor2D;
  linearGradients(layout, trace, dLogit, gradients);
  return { variables: gradients, image: linearOnly ? undefined : deepGradients(layout, trace, dLogit, gradients) };
}

const variable = (w: Weight) => w.read() as tf.Variable;
const saved = <T extends tf.Tensor = tf.Tensor2D>(trace: HeadTrace, name: string) => trace.get(name) as T;

/** A dense layer's kernel (xᵀ·dy) and bias (Σ dy) gradients; with `toInput`, also its input's (dy·Wᵀ). */
function denseGradients(
  input: tf.Tensor2D,
  dOutput: tf.Tensor2D,
  weights: DenseWeights,
  gradients: Map<tf.Variable, tf.Tensor>,
  toInput: boolean,
): tf.Tensor2D | undefined {
  gradients.set(variable(weights.kernel), tf.matMul(input, dOutput, true, false));
  if (weights.bias) gradients.set(variable(weights.bias), tf.sum(dOutput, 0));
  return toInput ? (tf.matMul(dOutput, variable(weights.kernel) as tf.Tensor as tf.Tensor2D, false, true) as tf.Tensor2D) : undefined;
}

/** Each gathered row's gradient summed into its table row: what tf.gather's gradient does, in one op. */
function tableGradient(dRows: tf.Tensor, indices: tf.Tensor, table: Weight, width: number): tf.Tensor {
  return tf.unsortedSegmentSum(tf.reshape(dRows, [-1, width]), indices as tf.Tensor1D, table.shape[0]!);
}

function linearGradients(layout: HeadLayout, trace: HeadTrace, dLogit: tf.Tensor2D, gradients: Map<tf.Variable, tf.Tensor>): void {
  const dTerms = denseGradients(saved(trace, 'terms'), dLogit, layout.linearLogit, gradients, true)!;
  const wide = trace.get('wide');
  const raw = layout.wideNumeric ? trace.get('raw') : undefined;
  const [dWide, dNumeric] = wide && raw ? tf.split(dTerms, 2, 1) : wide ? [dTerms] : [undefined, dTerms];
  if (raw && dNumeric) gradients.set(variable(layout.wideNumeric!), tf.matMul(raw as tf.Tensor2D, dNumeric, true, false));
  if (!wide || !dWide) return;
  // Each gathered wide weight counts its share (1, or 1/maxTokens for a word) of the row's gradient.
  const dWeights = tf.matMul(dWide, saved(trace, 'shares'), false, true);
  const rows = layout.wideTables.map((t) => t.shape[0]!);
  const total = rows.reduce((sum, n) => sum + n, 0);
  const dTable = tf.unsortedSegmentSum(tf.reshape(dWeights, [-1, 1]), wide as tf.Tensor1D, total);
  const parts = rows.length > 1 ? tf.split(dTable, rows) : [dTable];
  layout.wideTables.forEach((table, i) => gradients.set(variable(table), parts[i]!));
}

/** The deep part's gradients, top layer down; returns the image embeddings' gradient when there is an image field. */
function deepGradients(layout: HeadLayout, trace: HeadTrace, dLogit: tf.Tensor2D, gradients: Map<tf.Variable, tf.Tensor>): tf.Tensor2D | undefined {
  const depth = layout.hidden.length;
  const layers: DenseWeights[] = [...layout.hidden, { kernel: layout.deepLogit }];
  let dOutput = dLogit;
  for (let i = depth; i > 0; i--) {
    const dInput = denseGradients(saved(trace, `hidden${i}`), dOutput, layers[i]!, gradients, true)!;
    // relu passes the gradient where its output is positive: sign(output) is that 0/1 mask in one op.
    dOutput = tf.mul(dInput, tf.sign(saved(trace, `hidden${i}`))) as tf.Tensor2D;
  }
  denseGradients(saved(trace, 'hidden0'), dOutput, layers[0]!, gradients, false);
  // The first layer reads [fields, interactions, raw inputs]: its kernel's rows split as cheaply as the
  // gradient's columns would dearly, and the raw inputs need no gradient.
  const { fields, fieldSize: size } = layout;
  const rows = dLogit.shape[0];
  const raw = trace.get('raw');
  const [kFlat, kPairs] = tf.split(variable(layers[0]!.kernel), [fields * size, fields * fields, ...(raw ? [raw.shape[1]!] : [])]);
  const dFlat = tf.matMul(dOutput, kFlat as tf.Tensor2D, false, true);
  const dInteractions = tf.matMul(dOutput, kPairs as tf.Tensor2D, false, true);
  // interactions = M·Mᵀ per row, so dM = dI·M + dIᵀ·M.
  const matrix = saved<tf.Tensor3D>(trace, 'matrix');
  const dPairs = tf.reshape(dInteractions, [rows, fields, fields]) as tf.Tensor3D;
  const dMatrix = tf.add(tf.matMul(dPairs, matrix), tf.matMul(dPairs, matrix, true, false));
  const dFields = tf.add(dFlat, tf.reshape(dMatrix, [rows, fields * size])) as tf.Tensor2D;

  const widths = [
    ...(layout.numericField ? [size] : []),
    ...(layout.idTable ? [layout.idColumns * size] : []),
    ...layout.text.map(() => size),
    ...(layout.imageField ? [size] : []),
  ];
  const parts: tf.Tensor2D[] = widths.length > 1 ? tf.split(dFields, widths, 1) : [dFields];
  let at = 0;
  if (layout.numericField) denseGradients(saved(trace, 'numeric'), parts[at++]!, layout.numericField, gradients, false);
  if (layout.idTable) gradients.set(variable(layout.idTable), tableGradient(parts[at++]!, saved(trace, 'ids'), layout.idTable, size));
  layout.text.forEach((column, i) => {
    const text = saved(trace, `text${i}`);
    const dField = parts[at++]!;
    if (column.bag) return gradients.set(variable(column.table), tf.matMul(text, dField, true, false));
    const dWords = tf.matMul(dField, saved(trace, `average${i}`), false, true);
    gradients.set(variable(column.table), tableGradient(dWords, text, column.table, size));
  });
  if (layout.imageField) return denseGradients(saved(trace, 'image'), parts[at++]!, layout.imageField, gradients, true);
  return undefined;
}
