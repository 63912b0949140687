// Post-hoc calibration (Platt scaling): a logistic regression of the label on the model's logit, fitted
// on the validation days, saved with the model and applied wherever it predicts.
export interface Calibration {
  method: 'platt';
  slope: number;
  intercept: number;
  /** Rows and clicks of the validation days it was fitted on. */
  fittedOn: { rows: number; positives: number };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function applyCalibration(calibration: Calibration | undefined, logit: number): number {
  return sigmoid(calibration ? calibration.slope * logit + calibration.intercept : logit);
}

/** Maximum likelihood by Newton's method on two parameters; starts from the identity (slope 1, intercept 0). */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>, iterations = 50): Calibration {
  let slope = 1;
  let intercept = 0;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]! > 0.5 ? 1 : 0;
  if (positives === 0 || positives === labels.length) return { method: 'platt', slope, intercept, fittedOn: { rows: labels.length, positives } };
  for (let step = 0; step < iterations; step++) {
    // Gradient and Hessian of the negative log-likelihood, with a tiny ridge so the Hessian stays invertible.
    let g0 = 0,
      g1 = 0,
      h00 = 1e-6,
      h01 = 0,
      h11 = 1e-6;
    for (let i = 0; i < labels.length; i++) {
      const z = logits[i]!;
      const p = sigmoid(slope * z + intercept);
      const error = p - (labels[i]! > 0.5 ? 1 : 0);
      const weight = Math.max(p * (1 - p), 1e-12);
      g0 += error * z;
      g1 += error;
      h00 += weight * z * z;
      h01 += weight * z;
      h11 += weight;
    }
    const determinant = h00 * h11 - h01 * h01;
    const dSlope = (h11 * g0 - h01 * g1) / determinant;
    const dIntercept = (h00 * g1 - h01 * g0) / determinant;
    slope -= dSlope;
    intercept -= dIntercept;
    if (Math.abs(dSlope) < 1e-9 && Math.abs(dIntercept) < 1e-9) break;
  }
  return { method: 'platt', slope, intercept, fittedOn: { rows: labels.length, positives } };
}
