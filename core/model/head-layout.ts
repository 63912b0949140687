// Recognises a click head built by today's buildHead (architecture.ts) from its inputs and weighted
// layers, so head-forward.ts can run it by hand over the same variables. Anything else (a model saved by
// an older release, a layer it does not know) is left to the LayersModel.
import * as tf from '@tensorflow/tfjs';
import { idFields, textCardinality, type FittedTransform } from '../features/transform';
import { IMAGE_EMBEDDING } from './architecture';

type Weight = tf.layers.Layer['weights'][number];

export interface DenseWeights {
  kernel: Weight;
  bias?: Weight;
}

/** The head's weights by role; `undefined` parts are inputs this transform does not have. */
export interface HeadLayout {
  fieldSize: number;
  /** Fields in the field matrix: numeric, one per id column, one per text column, image. */
  fields: number;
  idColumns: number;
  numericField?: DenseWeights;
  idTable?: Weight;
  imageField?: DenseWeights;
  /** `bag`: the column's vocabulary is small enough to average its tokens as a bag-of-words matMul. */
  text: { table: Weight; wide: Weight; maxTokens: number; bag: boolean }[];
  /** The linear part's per-id, per-cell and per-word weight tables, in the order wide indices count them. */
  wideTables: Weight[];
  /** What each of a row's wide indices counts for in the linear logit: 1 per id and cell, 1/maxTokens per token
   *  (text weights are averaged, padding included, as globalAveragePooling1d does). */
  wideShares: Float32Array;
  wideNumeric?: Weight;
  linearLogit: DenseWeights;
  hidden: DenseWeights[];
  deepLogit: Weight;
}

/** Up to this many words a text column's field is one [rows, words] × [words, size] matMul: a gather of every
 *  token and its gradient (an UnsortedSegmentSum into few rows) cost more. Above it, the bag would be large to upload. */
export const BAG_WORDS = 512;

const layouts = new WeakMap<tf.LayersModel, WeakMap<FittedTransform, HeadLayout | null>>();

/** The head's layout, or undefined when it is not today's architecture over this transform (read once per pair). */
export function headLayout(head: tf.LayersModel, transform: FittedTransform): HeadLayout | undefined {
  if (!layouts.has(head)) layouts.set(head, new WeakMap());
  const byTransform = layouts.get(head)!;
  if (!byTransform.has(transform)) byTransform.set(transform, readLayout(head, transform) ?? null);
  return byTransform.get(transform) ?? undefined;
}

function readLayout(head: tf.LayersModel, transform: FittedTransform): HeadLayout | undefined {
  const ids = idFields(transform);
  const crosses = transform.crosses ?? [];
  const expected = [
    ...(transform.numeric.length > 0 ? ['numeric'] : []),
    ...(ids.length > 0 ? ['ids'] : []),
    ...(crosses.length > 0 ? ['crosses'] : []),
    ...transform.text.map((c) => `text_${c.name}`),
    ...(transform.image ? ['image_embedding', 'image_present'] : []),
  ];
  if (expected.length !== head.inputNames.length || !expected.every((name) => head.inputNames.includes(name))) return undefined;

  const weighted = new Map(head.layers.filter((l) => l.weights.length > 0).map((l) => [l.name, l]));
  const take = (name: string, className: string, shapes: number[][], activation = 'linear'): Weight[] | undefined => {
    const layer = weighted.get(name);
    weighted.delete(name);
    if (!layer || layer.getClassName() !== className || layer.weights.length !== shapes.length) return undefined;
    if (className === 'Dense' && (layer.getConfig() as { activation?: string }).activation !== activation) return undefined;
    return layer.weights.every((w, i) => tf.util.arraysEqual(w.shape as number[], shapes[i]!)) ? layer.weights : undefined;
  };
  const dense = (name: string, inputs: number, units: number, bias: boolean, activation?: string): DenseWeights | undefined => {
    const weights = take(name, 'Dense', bias ? [[inputs, units], [units]] : [[inputs, units]], activation);
    return weights && { kernel: weights[0]!, bias: weights[1] };
  };
  const embedding = (name: string, rows: number, width: number) => take(name, 'Embedding', [[rows, width]])?.[0];

  const fieldSize = (weighted.get('emb_fields') ?? weighted.get('numeric_field') ?? weighted.get('image_field'))?.weights[0]?.shape.at(-1);
  if (fieldSize == null) return undefined;
  const tableRows = ids.reduce((sum, field) => sum + field.cardinality, 0);
  const numericField = transform.numeric.length > 0 ? dense('numeric_field', transform.numeric.length, fieldSize, true) : undefined;
  const idTable = ids.length > 0 ? embedding('emb_fields', tableRows, fieldSize) : undefined;
  const idWide = ids.length > 0 ? embedding('emb_wide', tableRows, 1) : undefined;
  const cells = crosses.reduce((sum, cross) => sum + cross.cardinality, 0);
  const crossWide = crosses.length > 0 ? embedding('emb_wide_crosses', cells, 1) : undefined;
  const text = transform.text.map((c) => ({
    table: embedding(`emb_text_${c.name}`, textCardinality(c), fieldSize),
    wide: embedding(`emb_wide_text_${c.name}`, textCardinality(c), 1),
    maxTokens: c.maxTokens,
    bag: textCardinality(c) <= BAG_WORDS,
  }));
  const imageField = transform.image ? dense('image_field', IMAGE_EMBEDDING, fieldSize, true) : undefined;
  const wideCount = ids.length + crosses.length + transform.text.length;
  const rawWidth = transform.numeric.length + (transform.image ? 1 : 0);
  const wideSum = wideCount > 0 ? take('wide_sum', 'Dense', [[wideCount, 1]]) : undefined;
  const wideNumeric = rawWidth > 0 ? dense('wide_numeric', rawWidth, 1, false) : undefined;
  const terms = (wideCount > 0 ? 1 : 0) + (rawWidth > 0 ? 1 : 0);
  const linearLogit = dense('linear_logit', terms, 1, true);
  const fields = (numericField ? 1 : 0) + ids.length + text.length + (imageField ? 1 : 0);
  const hidden: DenseWeights[] = [];
  let width = fields * fieldSize + fields * fields + rawWidth;
  for (let i = 0; weighted.has(`hidden_${i}`); i++) {
    const units = weighted.get(`hidden_${i}`)!.weights[0]!.shape[1]!;
    const layer = dense(`hidden_${i}`, width, units, true, 'relu');
    if (!layer) return undefined;
    hidden.push(layer);
    width = units;
  }
  const deepLogit = dense('deep_logit', width, 1, false)?.kernel;

  const wideTables = [idWide, crossWide, ...text.map((t) => t.wide)].filter((t) => t !== undefined);
  const complete =
    weighted.size === 0 &&
    (transform.numeric.length === 0 || numericField) &&
    (ids.length === 0 || (idTable && idWide)) &&
    (crosses.length === 0 || crossWide) &&
    text.every((t) => t.table && t.wide) &&
    (!transform.image || imageField) &&
    (wideCount === 0 || (wideSum && allOnes(wideSum[0]!))) &&
    (rawWidth === 0 || wideNumeric) &&
    linearLogit &&
    deepLogit;
  if (!complete) return undefined;
  const wideShares = Float32Array.from([
    ...Array<number>(ids.length + crosses.length).fill(1),
    ...transform.text.flatMap((c) => Array<number>(c.maxTokens).fill(1 / c.maxTokens)),
  ]);
  return {
    fieldSize,
    fields,
    idColumns: ids.length,
    wideShares,
    numericField,
    idTable,
    imageField,
    text: text as HeadLayout['text'],
    wideTables,
    wideNumeric: wideNumeric?.kernel,
    linearLogit,
    hidden,
    deepLogit,
  };
}

/** wide_sum's fixed kernel: the hand-written forward sums the wide weights without it. */
function allOnes(kernel: Weight): boolean {
  return (kernel.read().dataSync() as Float32Array).every((value) => value === 1);
}
