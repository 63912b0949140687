// The data both sides of bench/training-vs-keras.ts train on: an adclick month drawn by the datagen's own
// sampler (no dirty rows; random pixels per ad image when asked), encoded by the project's transform; and the
// files the Keras twin reads: the encoded rows (the dataset file format), the pixel table, and the model's
// shape (the image tower's layers read off the project's own tower) and training settings.
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildAds } from '../../core/datagen/ads';
import { catalogWindow } from '../../core/datagen/catalog-window';
import { FILE_COLUMNS, impressionFields } from '../../core/datagen/csv-row';
import { ImpressionSampler } from '../../core/datagen/impressions';
import { DatasetBuilder, serializeDataset, type EncodedDataset } from '../../core/features/dataset';
import { defaultFeatureSpec } from '../../core/features/default-spec';
import { parseRow } from '../../core/features/parse-row';
import { Encoder, idFields, textCardinality, TransformFitter, type FittedTransform } from '../../core/features/transform';
import { buildImageTower, DEFAULT_HEAD_SHAPE, IMAGE_EMBEDDING, idOffsets } from '../../core/model/architecture';
import type { TrainOptions } from '../../core/model/train-loop';
import { droppableColumns } from '../../core/model/id-dropout';
import { Random } from '../../core/random';
import type { PixelSource } from '../../core/model/forward';

export interface TwinData {
  transform: FittedTransform;
  dataset: EncodedDataset;
  /** With `images`: one seeded random image per distinct image path, by the row the dataset names. */
  pixels?: PixelSource;
}

/** `impressions` rows of `month` with `ads` ads; the transform is fitted on them with the image column dropped,
 *  unless `images` (then the model has its image tower, and so does the Keras twin). */
export function generateTwinData(month: string, impressions: number, ads: number, images = false): TwinData {
  const catalog = new Random(1).fork('catalogue');
  const sampler = new ImpressionSampler(month, buildAds(catalogWindow(month, ads, 0.25), 'png', catalog), 0, new Random(2).fork('impressions'));
  const examples = Array.from({ length: impressions }, (_, i) => {
    const fields = impressionFields(sampler.sample(i));
    const parsed = parseRow(defaultFeatureSpec, Object.fromEntries(FILE_COLUMNS.map((c, k) => [c, fields[k]])), { requireLabel: true });
    if (!parsed.ok) throw new Error(`generated row ${i} does not parse: ${parsed.reason}`);
    return parsed.example;
  });
  const fitter = new TransformFitter(defaultFeatureSpec);
  for (const example of examples) fitter.add(example);
  // Without an image column the model has no image tower: both sides train the head alone.
  const fitted = fitter.fit(month);
  const transform: FittedTransform = images ? fitted : { ...fitted, image: undefined };
  const encoder = new Encoder(transform);
  const imageRows = new Map<string, number>();
  const imageRow = (key: string) => imageRows.get(key) ?? imageRows.set(key, imageRows.size).get(key)!;
  const builder = new DatasetBuilder(encoder.widths, impressions);
  for (const example of examples) builder.push(encoder.encode(example, images ? imageRow : () => -1), example.y);
  if (!images) return { transform, dataset: builder.build() };
  const random = new Random(3);
  const size = transform.image!.size;
  const table = Array.from({ length: imageRows.size }, () => Uint8Array.from({ length: size * size * 3 }, () => random.int(0, 255)));
  return { transform, dataset: builder.build(), pixels: (row) => table[row]! };
}

/** Writes `data.bin` (serializeDataset) and `model.json` (what click_model.py builds and how it trains) into `dir`,
 *  and with images `pixels.bin`: each image's size×size×3 bytes, by the row the dataset's `image` column names. */
export async function writeTwinData(dir: string, { transform, dataset, pixels }: TwinData, options: TrainOptions, baseRate: number): Promise<void> {
  const fields = idFields(transform);
  const index = new Map(fields.map((field, i) => [field.name, i]));
  const shape = options.shape ?? DEFAULT_HEAD_SHAPE;
  const model = {
    numeric: transform.numeric.length,
    idCardinalities: fields.map((f) => f.cardinality),
    idOffsets: [...idOffsets(transform)],
    crosses: (transform.crosses ?? []).map((c) => ({ a: index.get(c.fields[0])!, b: index.get(c.fields[1])!, cells: c.cardinality })),
    text: transform.text.map((c) => ({ name: c.name, maxTokens: c.maxTokens, cardinality: textCardinality(c) })),
    droppable: droppableColumns(transform),
    fieldSize: shape.fieldSize,
    hidden: shape.hidden,
    baseRate,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    embeddingL2: options.embeddingL2,
    linearL2: options.linear?.l2 ?? options.embeddingL2,
    idDropout: options.idDropout,
    image: transform.image && pixels ? towerSpec(transform.image.size, dataset.image) : undefined,
  };
  await fs.writeFile(path.join(dir, 'data.bin'), serializeDataset(dataset));
  if (model.image) await fs.writeFile(path.join(dir, 'pixels.bin'), Buffer.concat(Array.from({ length: model.image.images }, (_, row) => pixels!(row))));
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(model, null, 1));
}

/** The image tower as click_model.py rebuilds it: the shapes branch's convolutions and poolings in order
 *  (then global average pooling, beside the mean colour), and the embedding layer — read off a built tower. */
function towerSpec(size: number, imageRows: Int32Array) {
  const tower = buildImageTower(size);
  const config = (layer: (typeof tower.layers)[number]) => layer.getConfig() as Record<string, unknown>;
  const shapes = tower.layers.flatMap((layer): Record<string, unknown>[] => {
    const c = config(layer);
    if (layer.getClassName() === 'Conv2D')
      return [{ kind: 'conv', filters: c.filters, kernelSize: c.kernelSize, padding: c.padding, activation: c.activation }];
    if (layer.getClassName() === 'MaxPooling2D') return [{ kind: 'pool', poolSize: c.poolSize, strides: c.strides, padding: c.padding }];
    return [];
  });
  const dense = config(tower.layers.find((layer) => layer.getClassName() === 'Dense')!);
  tower.dispose();
  if (dense.units !== IMAGE_EMBEDDING) throw new Error(`the tower's embedding has ${String(dense.units)} units, the head takes ${IMAGE_EMBEDDING}`);
  // Rows 0..n-1 of the table, as generateTwinData numbered them.
  const images = imageRows.reduce((most, row) => Math.max(most, row + 1), 0);
  return { size, images, shapes, embedding: { units: dense.units, activation: dense.activation } };
}
