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

/** One point per distinct score from the highest down (ties move together), from (0,0) to (1,1); at most maxPoints. */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = MAX_ROC_POINTS): RocPoint[] {
  const n = labels.length;
  const order = ascendingOrder(scores).reverse();
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]! > 0.5 ? 1 : 0;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return [];
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let truePositives = 0;
  let falsePositives = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]! > 0.5) truePositives++;
      else falsePositives++;
      j++;
    }
    points.push({ fpr: falsePositives / negatives, tpr: truePositives / positives });
    i = j;
  }
  return downsample(points, Math.max(maxPoints, 2));
}

/** Evenly spaced points of the curve, always keeping its two ends. */
function downsample(points: RocPoint[], maxPoints: number): RocPoint[] {
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => points[Math.round(k * step)]!);
}
