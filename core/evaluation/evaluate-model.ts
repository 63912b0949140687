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

/** Metrics per value of each slice column; `values[column][i]` is row i's value. */
export function metricsBySlice(labels: ArrayLike<number>, probabilities: ArrayLike<number>, values: Record<string, string[]>): SliceMetrics[] {
  const out: SliceMetrics[] = [];
  for (const [column, rowValues] of Object.entries(values)) {
    const groups = new Map<string, number[]>();
    rowValues.forEach((value, i) => {
      const rows = groups.get(value);
      if (rows) rows.push(i);
      else groups.set(value, [i]);
    });
    for (const [value, rows] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const sliceLabels = rows.map((i) => labels[i]!);
      if (rows.length < MIN_SLICE_ROWS || !sliceLabels.includes(1)) continue;
      out.push({ column, value, metrics: computeMetrics(sliceLabels, rows.map((i) => probabilities[i]!)) });
    }
  }
  return out;
}
