// Binary-classification metrics for click prediction (what TF Model Analysis reports): AUC, log
// loss, calibration and a reliability table.
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface Metrics {
  count: number;
  positives: number;
  auc: number;
  logLoss: number;
  meanPredicted: number;
  observedRate: number;
  /** meanPredicted / observedRate: 1 is perfectly calibrated on average. */
  calibration: number;
  /** Standard error of `calibration` if the model were calibrated: the observed clicks' own noise. */
  calibrationStandardError: number;
  /** Row-weighted mean |predicted − observed| over the reliability bins (expected calibration error). */
  expectedCalibrationError: number;
  reliability: ReliabilityBin[];
}

/** Row indices by ascending value, as 4 bytes a row (a holdout can hold millions). */
export function ascendingOrder(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => values[a]! - values[b]!);
}

/** Area under the ROC curve by the rank-sum formula, with ties sharing their average rank. */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>, order = ascendingOrder(scores)): number {
  const n = labels.length;
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[order[k]!]! > 0.5) {
        positives++;
        rankSum += averageRank;
      }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, 1e-7), 1 - 1e-7);
    sum -= labels[i]! > 0.5 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / Math.max(labels.length, 1);
}

/** Equal-count bins by predicted probability (click rates are small, so equal-width bins would be empty). */
export function reliabilityTable(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
  order = ascendingOrder(probabilities),
): ReliabilityBin[] {
  const table: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const slice = order.subarray(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (slice.length === 0) continue;
    const predicted = slice.reduce((s, i) => s + probabilities[i]!, 0) / slice.length;
    const observed = slice.reduce((s, i) => s + labels[i]!, 0) / slice.length;
    table.push({
      lower: probabilities[slice[0]!]!,
      upper: probabilities[slice.at(-1)!]!,
      count: slice.length,
      meanPredicted: predicted,
      observedRate: observed,
    });
  }
  return table;
}

/** `order` is ascendingOrder(probabilities), when the caller has it (one sort serves every metric). */
export function computeMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, order = ascendingOrder(probabilities)): Metrics {
  let positives = 0;
  let predicted = 0;
  let clickVariance = 0;
  for (let i = 0; i < labels.length; i++) {
    positives += labels[i]! > 0.5 ? 1 : 0;
    predicted += probabilities[i]!;
    clickVariance += probabilities[i]! * (1 - probabilities[i]!);
  }
  const count = labels.length;
  const meanPredicted = predicted / Math.max(count, 1);
  const observedRate = positives / Math.max(count, 1);
  const reliability = reliabilityTable(labels, probabilities, 10, order);
  return {
    count,
    positives,
    auc: auc(labels, probabilities, order),
    logLoss: logLoss(labels, probabilities),
    meanPredicted,
    observedRate,
    calibration: observedRate > 0 ? meanPredicted / observedRate : NaN,
    calibrationStandardError: positives > 0 ? (predicted / positives) * (Math.sqrt(clickVariance) / positives) : NaN,
    expectedCalibrationError: reliability.reduce((sum, bin) => sum + bin.count * Math.abs(bin.meanPredicted - bin.observedRate), 0) / Math.max(count, 1),
    reliability,
  };
}
