// Blessing (TFX Evaluator's validation): absolute floors, and limits on change against the champion.
import type { Metrics } from './metrics';

export interface BlessingRules {
  minAuc: number;
  maxLogLoss: number;
  /** Largest allowed |calibration - 1|, where calibration = mean predicted / observed click rate. */
  maxCalibrationError: number;
  /** The candidate may trail the champion's AUC by at most this much. */
  maxAucDrop: number;
  /** The candidate's log loss may exceed the champion's by at most this fraction. */
  maxLogLossIncrease: number;
  /** The candidate's AUC may trail the logistic-regression baseline's by at most this much (absent in
   *  settings frozen before the baseline: then 0). */
  maxBaselineGap?: number;
}

export interface Blessing { blessed: boolean; reasons: string[] }

const f = (x: number) => x.toFixed(4);

export function bless(candidate: Metrics, champion: Metrics | undefined, rules: BlessingRules, baseline?: Metrics): Blessing {
  const reasons: string[] = [];
  const baselineGap = rules.maxBaselineGap ?? 0;
  if (baseline && candidate.auc < baseline.auc - baselineGap) {
    reasons.push(`AUC ${f(candidate.auc)} loses to the logistic-regression baseline's ${f(baseline.auc)} on the same rows (allowed gap ${baselineGap})`);
  }
  if (!(candidate.auc >= rules.minAuc)) reasons.push(`AUC ${f(candidate.auc)} is below the floor ${f(rules.minAuc)}`);
  if (!(candidate.logLoss <= rules.maxLogLoss)) reasons.push(`log loss ${f(candidate.logLoss)} is above the ceiling ${f(rules.maxLogLoss)}`);
  if (!(Math.abs(candidate.calibration - 1) <= rules.maxCalibrationError)) {
    reasons.push(`calibration ${f(candidate.calibration)} (mean predicted ${f(candidate.meanPredicted)} vs observed ${f(candidate.observedRate)}) is off by more than ${rules.maxCalibrationError}`);
  }
  if (champion) {
    if (candidate.auc < champion.auc - rules.maxAucDrop) reasons.push(`AUC ${f(candidate.auc)} trails the champion's ${f(champion.auc)} by more than ${rules.maxAucDrop}`);
    if (candidate.logLoss > champion.logLoss * (1 + rules.maxLogLossIncrease)) {
      reasons.push(`log loss ${f(candidate.logLoss)} exceeds the champion's ${f(champion.logLoss)} by more than ${(rules.maxLogLossIncrease * 100).toFixed(1)}%`);
    }
  }
  return { blessed: reasons.length === 0, reasons };
}
