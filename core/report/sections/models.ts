// The evaluated models in the order every section shows them: candidate, champion, baseline.
import type { EvaluationFile, ModelEvaluation, RivalComparison } from '../../evaluation/evaluation-file';

export interface NamedModel extends ModelEvaluation {
  name: string;
  comparison?: RivalComparison;
}

export function evaluatedModels(evaluation: EvaluationFile): NamedModel[] {
  const { candidate, champion, baseline } = evaluation;
  return [
    { name: 'candidate', ...candidate },
    ...(champion ? [{ name: `champion v${champion.version}`, ...champion }] : []),
    ...(baseline ? [{ name: 'logistic-regression baseline', ...baseline }] : []),
  ];
}
