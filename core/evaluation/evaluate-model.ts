// Metrics per slice of the holdout (TF Model Analysis' slicing).
import { computeMetrics, type Metrics } from './metrics';

export interface SliceMetrics {
  column: string;
  value: string;
  metrics: Metrics;
}

/** Slices smaller than this, or without clicks, say little and are left out. */
const MIN_SLICE_ROWS = 200;

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
      out.push({
        column,
        value,
        metrics: computeMetrics(
          sliceLabels,
          rows.map((i) => probabilities[i]!),
        ),
      });
    }
  }
  return out;
}
