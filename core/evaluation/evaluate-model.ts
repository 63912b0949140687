// Scores a loaded model on raw examples: encodes them with the model's own transform (a champion
// keeps the preprocessing it was trained with), predicts, and computes metrics overall and per slice.
import type { Example } from '../features/example';
import { DatasetBuilder } from '../features/dataset';
import { Encoder } from '../features/transform';
import type { LoadedModel } from '../model/model-files';
import type { PixelSource } from '../model/forward';
import { predictProbabilities } from '../model/train-loop';
import { computeMetrics, type Metrics } from './metrics';

export interface SliceMetrics { column: string; value: string; metrics: Metrics }

/** Slices smaller than this, or without clicks, say little and are left out. */
const MIN_SLICE_ROWS = 200;

export function predictExamples(loaded: LoadedModel, examples: Example[], imageRow: (key: string) => number, pixels: PixelSource | undefined): Float32Array {
  const encoder = new Encoder(loaded.transform);
  const builder = new DatasetBuilder(encoder.widths);
  for (const example of examples) builder.push(encoder.encode(example, imageRow), example.y);
  return predictProbabilities(loaded.model, loaded.transform, builder.build(), pixels);
}

export function metricsBySlice(examples: Example[], probabilities: Float32Array, sliceColumns: string[]): SliceMetrics[] {
  const out: SliceMetrics[] = [];
  for (const column of sliceColumns) {
    const groups = new Map<string, number[]>();
    examples.forEach((example, i) => {
      const value = String(example.f[column] ?? '(missing)');
      const rows = groups.get(value);
      if (rows) rows.push(i);
      else groups.set(value, [i]);
    });
    for (const [value, rows] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const labels = rows.map((i) => examples[i]!.y);
      if (rows.length < MIN_SLICE_ROWS || !labels.includes(1)) continue;
      out.push({ column, value, metrics: computeMetrics(labels, rows.map((i) => probabilities[i]!)) });
    }
  }
  return out;
}
