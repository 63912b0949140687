// One forward pass over a batch of encoded rows: the image tower runs once per unique image in the
// batch, and each row gathers its ad's embedding. Training, evaluation and serving all call this.
import * as tf from '@tensorflow/tfjs';
import type { EncodedDataset } from '../features/dataset';
import type { FittedTransform } from '../features/transform';
import { crossCells, IMAGE_EMBEDDING, idOffsets, type ClickModel } from './architecture';

/** Pixels of image `row` as size×size×3 bytes; the training set uses a table, serving a cache. */
export type PixelSource = (row: number) => Uint8Array;

/** `linearOnly` runs just the model's linear part (the first training phase): no image tower, no deep layers. */
export function forwardLogits(
  model: ClickModel,
  transform: FittedTransform,
  batch: EncodedDataset,
  pixels: PixelSource | undefined,
  training: boolean,
  linearOnly = false,
): tf.Tensor1D {
  const network = linearOnly && model.linear ? model.linear : model.head;
  const inputs = network.inputNames.map((name) => headInput(name, model, transform, batch, pixels, training));
  const logits = network.apply(inputs, { training }) as tf.Tensor2D;
  return logits.reshape([batch.rows]);
}

/** One head input by its name; models saved before the shared id table take `cat_<column>` inputs. */
function headInput(
  name: string,
  model: ClickModel,
  transform: FittedTransform,
  batch: EncodedDataset,
  pixels: PixelSource | undefined,
  training: boolean,
): tf.Tensor {
  const { rows, widths } = batch;
  if (name === 'numeric') return tf.tensor2d(batch.numeric, [rows, widths.numeric]);
  if (name === 'ids') {
    const offsets = idOffsets(transform);
    const ids = new Int32Array(rows * widths.categorical);
    for (let i = 0; i < ids.length; i++) ids[i] = batch.categorical[i]! + offsets[i % widths.categorical]!;
    return tf.tensor2d(ids, [rows, widths.categorical], 'int32');
  }
  if (name === 'crosses') return tf.tensor2d(crossCells(transform, batch.categorical, rows), [rows, transform.crosses!.length], 'int32');
  if (name.startsWith('cat_')) {
    const column = transform.categorical.findIndex((c) => c.name === name.slice(4));
    const ids = new Int32Array(rows);
    for (let r = 0; r < rows; r++) ids[r] = batch.categorical[r * widths.categorical + column]!;
    return tf.tensor2d(ids, [rows, 1], 'int32');
  }
  if (name.startsWith('text_')) {
    let offset = 0;
    for (const column of transform.text) {
      if (`text_${column.name}` === name) {
        const tokens = new Int32Array(rows * column.maxTokens);
        for (let r = 0; r < rows; r++)
          tokens.set(batch.text.subarray(r * widths.text + offset, r * widths.text + offset + column.maxTokens), r * column.maxTokens);
        return tf.tensor2d(tokens, [rows, column.maxTokens], 'int32');
      }
      offset += column.maxTokens;
    }
  }
  const usable = transform.image && model.imageTower && pixels;
  if (name === 'image_present')
    return tf.tensor2d(
      Float32Array.from(batch.image, (row) => (usable && row >= 0 ? 1 : 0)),
      [rows, 1],
    );
  if (name === 'image_embedding') {
    if (!usable) return tf.zeros([rows, IMAGE_EMBEDDING]);
    return imageEmbeddings(model.imageTower!, transform.image!.size, batch.image, pixels, training);
  }
  throw new Error(`The model has an input ${name} that this transform cannot feed`);
}

/** Each row's image embedding: the tower runs once per unique image in the batch; rows without an
 *  image get zeros. */
function imageEmbeddings(tower: tf.LayersModel, size: number, imageRows: Int32Array, pixels: PixelSource, training: boolean): tf.Tensor {
  const rows = imageRows.length;
  const slotOf = new Map<number, number>();
  const slots = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const image = imageRows[r]!;
    if (image < 0) {
      slots[r] = -1;
      continue;
    }
    if (!slotOf.has(image)) slotOf.set(image, slotOf.size);
    slots[r] = slotOf.get(image)!;
  }
  const unique = slotOf.size;
  // Rows without an image point at an all-zero embedding appended after the unique ones.
  for (let r = 0; r < rows; r++) if (slots[r] === -1) slots[r] = unique;
  let table: tf.Tensor2D = tf.zeros([1, IMAGE_EMBEDDING]);
  if (unique > 0) {
    const bytes = new Uint8Array(unique * size * size * 3);
    for (const [image, slot] of slotOf) bytes.set(pixels(image), slot * size * size * 3);
    const scaled = tf.tensor4d(bytes, [unique, size, size, 3], 'int32').toFloat().div(255).sub(0.5);
    const embeddings = tower.apply(scaled, { training }) as tf.Tensor2D;
    table = tf.concat([embeddings, table]);
  }
  return tf.gather(table, tf.tensor1d(slots, 'int32'));
}

/** Rows [start, end) of a dataset, without copying. */
export function sliceDataset(dataset: EncodedDataset, start: number, end: number): EncodedDataset {
  const { widths } = dataset;
  return {
    rows: end - start,
    widths,
    numeric: dataset.numeric.subarray(start * widths.numeric, end * widths.numeric),
    categorical: dataset.categorical.subarray(start * widths.categorical, end * widths.categorical),
    text: dataset.text.subarray(start * widths.text, end * widths.text),
    image: dataset.image.subarray(start, end),
    label: dataset.label.subarray(start, end),
  };
}
