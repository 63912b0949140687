// Metrics per slice of the holdout (TF Model Analysis' slicing).
import type { SliceColumn } from './holdout-scores';
import { computeMetrics, type Metrics } from './metrics';

export interface SliceMetrics {
  column: string;
  value: string;
  metrics: Metrics;
}

/** Slices smaller than this, or without clicks, say little and are left out. */
const MIN_SLICE_ROWS = 200;

/** Metrics per value of each slice column; row i's value in a column is `values[codes[i]]`. */
export function metricsBySlice(labels: ArrayLike<number>, probabilities: ArrayLike<number>, columns: Record<string, SliceColumn>): SliceMetrics[] {
  return Object.entries(columns).flatMap(([column, slice]) => metricsByValue(labels, probabilities, column, slice));
}

/** Metrics per value of one slice column, by value. */
export function metricsByValue(labels: ArrayLike<number>, probabilities: ArrayLike<number>, column: string, { values, codes }: SliceColumn): SliceMetrics[] {
  const out: SliceMetrics[] = [];
  // Rows grouped by value with a counting sort: one index array for the column, not one array per value.
  const counts = new Uint32Array(values.length + 1);
  for (let i = 0; i < codes.length; i++) counts[codes[i]! + 1]! += 1;
  for (let v = 1; v <= values.length; v++) counts[v]! += counts[v - 1]!;
  const rows = new Uint32Array(codes.length);
  const next = counts.slice(0, values.length);
  for (let i = 0; i < codes.length; i++) rows[next[codes[i]!]!++] = i;
  const byValue = values.map((value, code) => ({ value, code })).sort((a, b) => (a.value < b.value ? -1 : 1));
  for (const { value, code } of byValue) {
    const group = rows.subarray(counts[code]!, counts[code + 1]!);
    if (group.length < MIN_SLICE_ROWS) continue;
    const sliceLabels = Uint8Array.from(group, (i) => (labels[i]! > 0.5 ? 1 : 0));
    if (!sliceLabels.includes(1)) continue;
    out.push({
      column,
      value,
      metrics: computeMetrics(
        sliceLabels,
        Float64Array.from(group, (i) => probabilities[i]!),
      ),
    });
  }
  return out;
}
