// One pass over a month's raw rows: each row a set keeps is sent to the API as a client would send it
// (the label dropped, the image as its bucket key) and encoded with the run's transform for the
// logistic baseline, so model, baseline and oracle are scored on exactly the same rows.
import { DatasetBuilder, type EncodedDataset } from '../core/features/dataset';
import type { Example } from '../core/features/example';
import { monthRange } from '../core/features/month';
import { parseRow } from '../core/features/parse-row';
import { imageColumn, labelColumn, type FeatureSpec } from '../core/features/spec';
import { Encoder, type FittedTransform } from '../core/features/transform';
import type { BlobStore } from '../core/storage/blob-store';
import { PredictClient, type Instance } from './predict-client';
import { readRawRows } from './raw-rows';
import type { BenchApi } from './stack';

export interface ScoredRows {
  ids: string[];
  labels: Float32Array;
  /** What POST /v1/predict answered, row by row. */
  served: Float32Array;
  modelVersion: number;
  /** The same rows encoded for the baseline. */
  encoded: EncodedDataset;
}

export interface ScoreRowsInput {
  store: BlobStore;
  month: string;
  spec: FeatureSpec;
  transform: FittedTransform;
  api: BenchApi;
  keep: (example: Example) => boolean;
}

function toInstance(row: Record<string, string>, spec: FeatureSpec, month: string): Instance {
  const label = labelColumn(spec);
  const image = imageColumn(spec)?.name;
  const instance: Instance = {};
  for (const [name, value] of Object.entries(row)) {
    if (name === label) continue;
    // The API takes an image by its bucket key; the CSV names it relative to the month folder.
    instance[name] = name === image && value.trim() !== '' ? `raw/${month}/${value.trim()}` : value;
  }
  return instance;
}

export async function scoreRawRows(input: ScoreRowsInput): Promise<ScoredRows> {
  const { store, month, spec } = input;
  const encoder = new Encoder(input.transform);
  const builder = new DatasetBuilder(encoder.widths);
  const client = new PredictClient(input.api);
  const ids: string[] = [];
  const labels: number[] = [];
  for await (const row of readRawRows(store, month)) {
    const parsed = parseRow(spec, row, { requireLabel: true, timeRange: monthRange(month) });
    if (!parsed.ok || parsed.example.id === undefined || !input.keep(parsed.example)) continue;
    ids.push(parsed.example.id);
    labels.push(parsed.example.y);
    // The baseline sees no images.
    builder.push(
      encoder.encode(parsed.example, () => -1),
      parsed.example.y,
    );
    await client.add(toInstance(row, spec, month));
  }
  const { probabilities, modelVersion } = await client.finish();
  return { ids, labels: Float32Array.from(labels), served: Float32Array.from(probabilities), modelVersion, encoded: builder.build() };
}
