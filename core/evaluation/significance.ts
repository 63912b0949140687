// How sure a comparison is: the standard error of a difference between two models scored on the same
// rows, so blessing rejects a candidate for a shortfall the data shows, not for holdout noise
// (a 12k-impression month holds ~40 clicks; its AUC moves by ±0.04 from noise alone).
import { ascendingOrder } from './metrics';

export interface Comparison {
  /** First model minus second. */
  difference: number;
  standardError: number;
}

/** One-sided 95%: a shortfall counts once it exceeds the tolerance by this many standard errors. */
export const CONFIDENCE_Z = 1.645;

/** True when `shortfall` (positive = worse) exceeds `tolerance` beyond noise. */
export function clearlyWorse(shortfall: number, standardError: number, tolerance: number): boolean {
  return shortfall - CONFIDENCE_Z * standardError > tolerance;
}

/** Structural components of DeLong's method for one model: per positive, the share of negatives it
 *  outranks; per negative, the share of positives that outrank it (Sun & Xu's midrank formulation).
 *  One pass over the rows in score order (`order`): within a run of tied scores the combined midrank
 *  and the midranks among positives and among negatives alone all follow from the counts so far. */
function placements(labels: ArrayLike<number>, scores: ArrayLike<number>, order: Uint32Array) {
  const rows = labels.length;
  let m = 0;
  for (let i = 0; i < rows; i++) if (labels[i]! > 0.5) m++;
  const n = rows - m;
  const byRow = new Float64Array(rows);
  let positivesBefore = 0;
  for (let i = 0; i < rows;) {
    let j = i;
    let tiedPositives = 0;
    while (j < rows && scores[order[j]!] === scores[order[i]!]) tiedPositives += labels[order[j++]!]! > 0.5 ? 1 : 0;
    const combined = (i + j - 1) / 2 + 1;
    const tiedNegatives = j - i - tiedPositives;
    const negativesBefore = i - positivesBefore;
    const withinPositives = positivesBefore + (tiedPositives + 1) / 2;
    const withinNegatives = negativesBefore + (tiedNegatives + 1) / 2;
    for (let k = i; k < j; k++) {
      const row = order[k]!;
      byRow[row] = labels[row]! > 0.5 ? (combined - withinPositives) / n : 1 - (combined - withinNegatives) / m;
    }
    positivesBefore += tiedPositives;
    i = j;
  }
  // In row order, so two models' components pair up by row.
  const positive = new Float64Array(m);
  const negative = new Float64Array(n);
  for (let row = 0, p = 0, q = 0; row < rows; row++) {
    if (labels[row]! > 0.5) positive[p++] = byRow[row]!;
    else negative[q++] = byRow[row]!;
  }
  return { positive, negative };
}

function covariance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return 0;
  let meanA = 0,
    meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (a[i]! - meanA) * (b[i]! - meanB);
  return sum / (n - 1);
}

/** AUC(a) − AUC(b) on the same rows, with DeLong's standard error for correlated AUCs; pass each
 *  model's ascendingOrder when already sorted (a holdout of millions is sorted once per model). */
export function compareAuc(
  labels: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  orders: { a: Uint32Array; b: Uint32Array } = { a: ascendingOrder(a), b: ascendingOrder(b) },
): Comparison {
  const pa = placements(labels, a, orders.a);
  const pb = placements(labels, b, orders.b);
  const m = pa.positive.length;
  const n = pa.negative.length;
  if (m === 0 || n === 0) return { difference: NaN, standardError: NaN };
  const mean = (values: Float64Array) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = (x: Float64Array, y: Float64Array, u: Float64Array, v: Float64Array) =>
    (covariance(x, x) + covariance(y, y) - 2 * covariance(x, y)) / m + (covariance(u, u) + covariance(v, v) - 2 * covariance(u, v)) / n;
  return {
    difference: mean(pa.positive) - mean(pb.positive),
    standardError: Math.sqrt(Math.max(variance(pa.positive, pb.positive, pa.negative, pb.negative), 0)),
  };
}

/** Mean log loss of a minus that of b on the same rows, with the paired standard error. */
export function compareLogLoss(labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): Comparison {
  const loss = (y: number, p: number) => {
    const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    return y > 0.5 ? -Math.log(q) : -Math.log(1 - q);
  };
  const differences = Float64Array.from({ length: labels.length }, (_, i) => loss(labels[i]!, a[i]!) - loss(labels[i]!, b[i]!));
  const n = differences.length;
  const mean = differences.reduce((sum, d) => sum + d, 0) / Math.max(n, 1);
  return { difference: mean, standardError: Math.sqrt(covariance(differences, differences) / Math.max(n, 1)) };
}
