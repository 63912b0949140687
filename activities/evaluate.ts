// Evaluate (TFX Evaluator + TF Model Analysis): the candidate and the current champion on the same
// holdout, overall and per slice, then the blessing rules decide.
import { log } from '@temporalio/activity';
import { getJson, putJson, type BlobStore } from '../core/storage/blob-store';
import type { Example } from '../core/features/example';
import type { FeatureSpec } from '../core/features/spec';
import { bless, type Blessing, type BlessingRules } from '../core/evaluation/blessing';
import { metricsBySlice, predictExamples, type SliceMetrics } from '../core/evaluation/evaluate-model';
import { computeMetrics, type Metrics } from '../core/evaluation/metrics';
import { loadClickModel, type LoadedModel } from '../core/model/model-files';
import { holdoutStart, loadImageRows, loadPixels, readExamples } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import { ModelRegistry } from '../core/registry/model-registry';

export interface EvaluateInput {
  month: string;
  specKey: string;
  holdoutDays: number;
  candidatePrefix: string;
  rules: BlessingRules;
}

export interface ModelScore { auc: number; logLoss: number; calibration: number; meanPredicted: number; observedRate: number }

export interface EvaluationSummary {
  evaluationKey: string;
  holdoutRows: number;
  candidate: ModelScore;
  champion?: ModelScore & { version: number };
  blessing: Blessing;
}

interface ScoredModel { overall: Metrics; slices: SliceMetrics[] }

const score = (m: Metrics): ModelScore => ({ auc: m.auc, logLoss: m.logLoss, calibration: m.calibration, meanPredicted: m.meanPredicted, observedRate: m.observedRate });

export function createEvaluationActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async evaluateCandidate(input: EvaluateInput): Promise<EvaluationSummary> {
      const keys = monthArtifacts(input.month);
      const spec = await getJson<FeatureSpec>(store, input.specKey);
      const split = holdoutStart(input.month, input.holdoutDays);
      const holdout: Example[] = [];
      for await (const example of readExamples(store, input.month)) if (example.t >= split) holdout.push(example);

      const { index, rowOf } = await loadImageRows(store, input.month);
      const pixels = await loadPixels(store, input.month, index?.size);
      const scoreModel = (loaded: LoadedModel): ScoredModel => {
        // A champion trained on other image sizes cannot use this month's pixel table: it is scored without images.
        const usable = loaded.transform.image && index && loaded.transform.image.size === index.size;
        const probabilities = predictExamples(loaded, holdout, usable ? rowOf : () => -1, usable ? pixels : undefined);
        return { overall: computeMetrics(holdout.map((e) => e.y), probabilities), slices: metricsBySlice(holdout, probabilities, spec.slices) };
      };

      const candidate = scoreModel(await loadClickModel(store, input.candidatePrefix));
      const registry = new ModelRegistry(store);
      const current = await registry.champion();
      const champion = current ? { version: current.version, ...scoreModel(await loadClickModel(store, (name) => registry.fileKey(current.version, name))) } : undefined;
      const blessing = bless(candidate.overall, champion?.overall, input.rules);
      await putJson(store, keys.evaluation, { month: input.month, holdoutStart: new Date(split).toISOString(), holdoutRows: holdout.length, rules: input.rules, candidate, champion, blessing });
      log.info('evaluated', { month: input.month, candidateAuc: candidate.overall.auc, championAuc: champion?.overall.auc, blessed: blessing.blessed });
      return {
        evaluationKey: keys.evaluation,
        holdoutRows: holdout.length,
        candidate: score(candidate.overall),
        champion: champion ? { version: champion.version, ...score(champion.overall) } : undefined,
        blessing,
      };
    },
  };
}
