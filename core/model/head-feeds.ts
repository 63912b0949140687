// An encoded batch as head-forward.ts takes it: index vectors laid out for one gather per table, so no
// reshape is needed between the rows' indices and the gather.
import * as tf from '@tensorflow/tfjs';
import type { EncodedDataset } from '../features/dataset';
import type { FittedTransform } from '../features/transform';
import { crossCells, idOffsets } from './architecture';
import type { HeadLayout } from './head-layout';

export interface HeadFeeds {
  rows: number;
  numeric?: tf.Tensor2D;
  /** Each row's ids offset into the shared id table, row after row ([rows × id columns]). */
  ids?: tf.Tensor1D;
  /** Per text column, each row's tokens row after row ([rows × maxTokens]), or for a small vocabulary each
   *  row's bag of words ([rows, words]: 1 / maxTokens per occurrence, padding included, as an average over tokens). */
  text: (tf.Tensor1D | tf.Tensor2D)[];
  /** Each row's indices into the wide tables stacked in layout order (ids, cross cells, each text column's tokens). */
  wide?: tf.Tensor1D;
  imageEmbedding?: tf.Tensor2D;
  imagePresent?: tf.Tensor2D;
}

/** The batch's ids, cells and tokens; `deep` false leaves out what only the deep part reads. */
export function headFeeds(layout: HeadLayout, transform: FittedTransform, batch: EncodedDataset, deep: boolean): HeadFeeds {
  const { rows, widths } = batch;
  const ids = offsetIds(transform, batch);
  const cells = crossCells(transform, batch.categorical, rows);
  const crossCount = transform.crosses?.length ?? 0;
  const tokens = tokenColumns(transform, batch);

  const perRow = layout.wideShares.length;
  const wide = new Int32Array(rows * perRow);
  const tableStarts = layout.wideTables.map((_, i) => layout.wideTables.slice(0, i).reduce((sum, t) => sum + t.shape[0]!, 0));
  for (let r = 0; r < rows; r++) {
    let at = r * perRow;
    let table = 0;
    if (layout.idColumns > 0) {
      for (let k = 0; k < layout.idColumns; k++) wide[at++] = ids[r * layout.idColumns + k]!;
      table++;
    }
    if (crossCount > 0) {
      for (let k = 0; k < crossCount; k++) wide[at++] = cells[r * crossCount + k]! + tableStarts[table]!;
      table++;
    }
    for (let c = 0; c < tokens.length; c++, table++) {
      const maxTokens = transform.text[c]!.maxTokens;
      for (let k = 0; k < maxTokens; k++) wide[at++] = tokens[c]![r * maxTokens + k]! + tableStarts[table]!;
    }
  }
  return {
    rows,
    numeric: transform.numeric.length > 0 ? tf.tensor2d(batch.numeric, [rows, widths.numeric]) : undefined,
    ids: deep && layout.idColumns > 0 ? tf.tensor1d(ids, 'int32') : undefined,
    text: deep
      ? tokens.map((t, c) => (layout.text[c]!.bag ? bagOfWords(t, transform.text[c]!.maxTokens, layout.text[c]!.table.shape[0]!) : tf.tensor1d(t, 'int32')))
      : [],
    wide: perRow > 0 ? tf.tensor1d(wide, 'int32') : undefined,
  };
}

/** Each row's ids offset into the shared id table, row after row (both forward paths feed these). */
export function offsetIds(transform: FittedTransform, batch: EncodedDataset): Int32Array {
  const offsets = idOffsets(transform);
  const width = batch.widths.categorical;
  const ids = new Int32Array(batch.rows * width);
  for (let r = 0; r < batch.rows; r++) for (let k = 0; k < width; k++) ids[r * width + k] = batch.categorical[r * width + k]! + offsets[k]!;
  return ids;
}

/** Each text column's tokens, row after row (the batch holds every column's tokens side by side). */
function tokenColumns(transform: FittedTransform, batch: EncodedDataset): Int32Array[] {
  let offset = 0;
  return transform.text.map((column) => {
    const tokens = columnTokens(batch, offset, column.maxTokens);
    offset += column.maxTokens;
    return tokens;
  });
}

/** One text column's tokens (`maxTokens` from `offset` in each row's text), row after row. */
export function columnTokens(batch: EncodedDataset, offset: number, maxTokens: number): Int32Array {
  const tokens = new Int32Array(batch.rows * maxTokens);
  for (let r = 0; r < batch.rows; r++) for (let k = 0; k < maxTokens; k++) tokens[r * maxTokens + k] = batch.text[r * batch.widths.text + offset + k]!;
  return tokens;
}

/** Each row's share of every word: 1 / maxTokens per token. */
function bagOfWords(tokens: Int32Array, maxTokens: number, words: number): tf.Tensor2D {
  const rows = tokens.length / maxTokens;
  const bag = new Float32Array(rows * words);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < maxTokens; k++) {
      const word = tokens[r * maxTokens + k]!;
      // A gather would refuse it; here it would land in another row's bag.
      if (word < 0 || word >= words) throw new Error(`token ${word} is not in [0, ${words - 1}]`);
      bag[r * words + word]! += 1 / maxTokens;
    }
  }
  return tf.tensor2d(bag, [rows, words]);
}
