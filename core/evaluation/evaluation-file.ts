// What the evaluate stage writes to artifacts/<month>/evaluation.json: every model's metrics, slices and
// ROC curve on the holdout. Files written before the ROC curve existed lack `roc`.
import type { Blessing, BlessingRules } from './blessing';
import type { SliceMetrics } from './evaluate-model';
import type { Metrics } from './metrics';
import type { RocPoint } from './roc';

/** How the candidate compares with a rival on the same rows (candidate minus rival, with standard errors). */
export interface RivalComparison {
  aucDifference: number;
  aucStandardError: number;
  logLossDifference: number;
  logLossStandardError: number;
}

export interface ModelEvaluation {
  overall: Metrics;
  slices: SliceMetrics[];
  roc?: RocPoint[];
}

export interface EvaluationFile {
  month: string;
  holdoutStart: string;
  holdoutRows: number;
  rules: BlessingRules;
  candidate: ModelEvaluation;
  baseline?: ModelEvaluation & { comparison: RivalComparison };
  champion?: ModelEvaluation & { version: number; comparison: RivalComparison };
  blessing: Blessing;
}
