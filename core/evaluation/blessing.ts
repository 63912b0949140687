// Blessing (TFX Evaluator's validation): absolute floors, calibration, and limits on how much worse the
// candidate may be than the champion and than this month's logistic-regression baseline. Each relative
// rule rejects only a shortfall beyond its tolerance by more than the holdout's noise (one-sided 95%).
import type { Metrics } from './metrics';
import { clearlyWorse, CONFIDENCE_Z, type Comparison } from './significance';

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

/** Another model scored on the same rows, and how the candidate compares with it. */
export interface Rival {
  metrics: Metrics;
  /** Candidate minus rival. */
  auc: Comparison;
  logLoss: Comparison;
}

export interface Blessing {
  blessed: boolean;
  reasons: string[];
}

const f = (x: number) => x.toFixed(4);
const pm = (c: Comparison) => `±${f(CONFIDENCE_Z * c.standardError)}`;

export function bless(candidate: Metrics, rules: BlessingRules, rivals: { champion?: Rival; baseline?: Rival } = {}): Blessing {
  const reasons: string[] = [];
  const { champion, baseline } = rivals;
  if (!(candidate.auc >= rules.minAuc)) reasons.push(`AUC ${f(candidate.auc)} is below the floor ${f(rules.minAuc)}`);
  if (!(candidate.logLoss <= rules.maxLogLoss)) reasons.push(`log loss ${f(candidate.logLoss)} is above the ceiling ${f(rules.maxLogLoss)}`);
  if (
    !Number.isFinite(candidate.calibration) ||
    clearlyWorse(Math.abs(candidate.calibration - 1), candidate.calibrationStandardError, rules.maxCalibrationError)
  ) {
    reasons.push(
      `calibration ${f(candidate.calibration)} ±${f(CONFIDENCE_Z * candidate.calibrationStandardError)} (mean predicted ${f(candidate.meanPredicted)} ` +
        `vs observed ${f(candidate.observedRate)}) is off by more than ${rules.maxCalibrationError}`,
    );
  }
  if (baseline) {
    const gap = rules.maxBaselineGap ?? 0;
    if (!Number.isFinite(baseline.auc.difference) || clearlyWorse(-baseline.auc.difference, baseline.auc.standardError, gap)) {
      reasons.push(
        `AUC ${f(candidate.auc)} loses to the logistic-regression baseline's ${f(baseline.metrics.auc)} on the same rows (difference ` +
          `${f(baseline.auc.difference)} ${pm(baseline.auc)}, allowed gap ${gap})`,
      );
    }
  }
  if (champion) {
    if (clearlyWorse(-champion.auc.difference, champion.auc.standardError, rules.maxAucDrop)) {
      reasons.push(
        `AUC ${f(candidate.auc)} trails the champion's ${f(champion.metrics.auc)} by more than ${rules.maxAucDrop} (difference ` +
          `${f(champion.auc.difference)} ${pm(champion.auc)})`,
      );
    }
    if (clearlyWorse(champion.logLoss.difference, champion.logLoss.standardError, champion.metrics.logLoss * rules.maxLogLossIncrease)) {
      reasons.push(
        `log loss ${f(candidate.logLoss)} exceeds the champion's ${f(champion.metrics.logLoss)} by more than ` +
          `${(rules.maxLogLossIncrease * 100).toFixed(1)}% (difference ${f(champion.logLoss.difference)} ${pm(champion.logLoss)})`,
      );
    }
  }
  return { blessed: reasons.length === 0, reasons };
}
