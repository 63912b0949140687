// One forward pass over a batch of encoded rows: the image tower runs once per unique image in the
// batch, and each row gathers its ad's embedding. Training, evaluation and serving all call this.
import * as tf from '@tensorflow/tfjs';
import type { EncodedDataset } from '../features/dataset';
import type { FittedTransform } from '../features/transform';
import { maxPoolWorkspaceAvailable } from '../tf/max-pool-workspace';
import { uint8ToFloat } from '../tf/uint8-to-float';
import { crossCells, IMAGE_EMBEDDING, type ClickModel } from './architecture';
import { columnTokens, headFeeds, offsetIds } from './head-feeds';
import { headLogits } from './head-forward';
import { headLayout } from './head-layout';
import { towerForward } from './tower-forward';
import { towerLayout } from './tower-layout';

/** Pixels of image `row` as size×size×3 bytes (the training set's image table). */
export type PixelSource = (row: number) => Uint8Array;

/** Serving's image input: each image's embedding, already computed by the tower (image `row` at row × IMAGE_EMBEDDING). */
export interface EmbeddingTable {
  embeddings: Float32Array;
}

export type ImageSource = PixelSource | EmbeddingTable;

/** `linearOnly` runs just the model's linear part (the first training phase): no image tower, no deep layers.
 *  Today's head runs by hand (head-forward.ts); heads it does not recognise (older releases') run as layers. */
export function forwardLogits(
  model: ClickModel,
  transform: FittedTransform,
  batch: EncodedDataset,
  pixels: ImageSource | undefined,
  training: boolean,
  linearOnly = false,
): tf.Tensor1D {
  const layout = headLayout(model.head, transform);
  if (!layout) return layersLogits(model, transform, batch, pixels, training, linearOnly);
  // A loaded model has no linear view: it runs whole, as the layers path does.
  const linear = linearOnly && model.linear !== undefined;
  const feeds = headFeeds(layout, transform, batch, !linear);
  if (transform.image) {
    feeds.imagePresent = headInput('image_present', model, transform, batch, pixels, training) as tf.Tensor2D;
    if (!linear) feeds.imageEmbedding = headInput('image_embedding', model, transform, batch, pixels, training) as tf.Tensor2D;
  }
  return headLogits(layout, feeds, linear);
}

/** The same logits through the LayersModel (tfjs' layers, op by op): older heads, and the reference the hand-written forward is tested against. */
export function layersLogits(
  model: ClickModel,
  transform: FittedTransform,
  batch: EncodedDataset,
  pixels: ImageSource | undefined,
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
  pixels: ImageSource | undefined,
  training: boolean,
): tf.Tensor {
  const { rows, widths } = batch;
  if (name === 'numeric') return tf.tensor2d(batch.numeric, [rows, widths.numeric]);
  if (name === 'ids') return tf.tensor2d(offsetIds(transform, batch), [rows, widths.categorical], 'int32');
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
      if (`text_${column.name}` === name) return tf.tensor2d(columnTokens(batch, offset, column.maxTokens), [rows, column.maxTokens], 'int32');
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

/** Each row's image embedding: the tower runs once per unique image in the batch (or not at all, when
 *  serving hands in embeddings); rows without an image get zeros. */
function imageEmbeddings(tower: tf.LayersModel, size: number, imageRows: Int32Array, pixels: ImageSource, training: boolean): tf.Tensor {
  if (typeof pixels !== 'function') return gatherEmbeddings(pixels.embeddings, imageRows);
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
    table = tf.concat([towerEmbeddings(tower, size, bytes, unique, training), table]);
  }
  return tf.gather(table, tf.tensor1d(slots, 'int32'));
}

/** The tower over `count` images packed as size×size×3 bytes each: one embedding row per image. */
export function towerEmbeddings(tower: tf.LayersModel, size: number, bytes: Uint8Array, count: number, training = false): tf.Tensor2D {
  const scaled = uint8ToFloat<tf.Rank.R4>(bytes, [count, size, size, 3]).div(255).sub(0.5) as tf.Tensor4D;
  const layout = towerLayout(tower);
  if (layout && maxPoolWorkspaceAvailable()) return towerForward(layout, scaled, training);
  return tower.apply(scaled, { training }) as tf.Tensor2D;
}

/** Rows pick their embedding from the table; rows without an image (-1) pick the zero row after it. */
function gatherEmbeddings(embeddings: Float32Array, imageRows: Int32Array): tf.Tensor {
  const count = embeddings.length / IMAGE_EMBEDDING;
  const table = new Float32Array(embeddings.length + IMAGE_EMBEDDING);
  table.set(embeddings);
  const slots = Int32Array.from(imageRows, (row) => (row < 0 ? count : row));
  return tf.gather(tf.tensor2d(table, [count + 1, IMAGE_EMBEDDING]), tf.tensor1d(slots, 'int32'));
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
