// The ROC curve of a model on the holdout, cut to a few hundred points so a report can draw it
// without the holdout's every threshold.
import { ascendingOrder } from './metrics';

export interface RocPoint {
  /** False positive rate: share of the unclicked rows scored at or above the threshold. */
  fpr: number;
  /** True positive rate: share of the clicked rows scored at or above the threshold. */
  tpr: number;
}

export const MAX_ROC_POINTS = 200;

/** One point per distinct score from the highest down (ties move together), from (0,0) to (1,1); at most
 *  maxPoints, evenly spaced over the distinct scores and keeping both ends — chosen as the curve is
 *  walked, so a holdout of millions of distinct scores never holds a point per score. */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = MAX_ROC_POINTS, ascending = ascendingOrder(scores)): RocPoint[] {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]! > 0.5 ? 1 : 0;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return [];
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || scores[ascending[i]!] !== scores[ascending[i - 1]!]) distinct++;
  // Point p is the curve after p distinct scores (point 0 is the origin); keep those nearest the even steps.
  const last = distinct;
  const wanted = Math.max(maxPoints, 2);
  const keep = new Set(
    last + 1 <= wanted ? Array.from({ length: last + 1 }, (_, p) => p) : Array.from({ length: wanted }, (_, k) => Math.round((k * last) / (wanted - 1))),
  );
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let truePositives = 0;
  let falsePositives = 0;
  // From the highest score down (the ascending order read backwards).
  const order = (k: number) => ascending[n - 1 - k]!;
  for (let i = 0, p = 1; i < n; p++) {
    let j = i;
    while (j < n && scores[order(j)] === scores[order(i)]) {
      if (labels[order(j)]! > 0.5) truePositives++;
      else falsePositives++;
      j++;
    }
    if (keep.has(p)) points.push({ fpr: falsePositives / negatives, tpr: truePositives / positives });
    i = j;
  }
  return points;
}
