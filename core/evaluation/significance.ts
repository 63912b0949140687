// How sure a comparison is: the standard error of a difference between two models scored on the same
// rows, so blessing rejects a candidate for a shortfall the data shows, not for holdout noise
// (a 12k-impression month holds ~40 clicks; its AUC moves by ±0.04 from noise alone).
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

/** Midranks (ties share their average rank, 1-based) of values[indices[k]], by k. */
function midranks(values: ArrayLike<number>, indices: Uint32Array): Float64Array {
  const valueAt = (k: number) => values[indices[k]!]!;
  const order = new Uint32Array(indices.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  order.sort((x, y) => valueAt(x) - valueAt(y));
  const ranks = new Float64Array(order.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && valueAt(order[j + 1]!) === valueAt(order[i]!)) j++;
    for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/** Structural components of DeLong's method for one model: per positive, the share of negatives it
 *  outranks; per negative, the share of positives that outrank it (Sun & Xu's midrank formulation). */
function placements(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  // Index arrays as 4 bytes a row: a holdout can hold millions of rows.
  const all = new Uint32Array(labels.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const positives = all.filter((i) => labels[i]! > 0.5);
  const negatives = all.filter((i) => labels[i]! <= 0.5);
  const combined = midranks(scores, all);
  const withinPositives = midranks(scores, positives);
  const withinNegatives = midranks(scores, negatives);
  const m = positives.length;
  const n = negatives.length;
  return {
    positive: Float64Array.from(positives, (index, k) => (combined[index]! - withinPositives[k]!) / n),
    negative: Float64Array.from(negatives, (index, k) => 1 - (combined[index]! - withinNegatives[k]!) / m),
  };
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

/** AUC(a) − AUC(b) on the same rows, with DeLong's standard error for correlated AUCs. */
export function compareAuc(labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): Comparison {
  const pa = placements(labels, a);
  const pb = placements(labels, b);
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
