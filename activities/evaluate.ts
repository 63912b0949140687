// Evaluate (TFX Evaluator + TF Model Analysis): the candidate, the current champion and this month's
// logistic-regression baseline on the same evaluation holdout (days no training step has seen), overall
// and per slice, then the blessing rules decide.
import { log } from '@temporalio/activity';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { getJson, putJson, type BlobStore } from '../core/storage/blob-store';
import type { Example } from '../core/features/example';
import type { FeatureSpec } from '../core/features/spec';
import { bless, type Blessing, type BlessingRules, type Rival } from '../core/evaluation/blessing';
import { compareAuc, compareLogLoss } from '../core/evaluation/significance';
import { metricsByValue } from '../core/evaluation/evaluate-model';
import { Encoder } from '../core/features/transform';
import { disposeClickModel } from '../core/model/architecture';
import { predictExamples } from '../core/model/predict';
import { ascendingOrder, computeMetrics, type Metrics } from '../core/evaluation/metrics';
import { loadClickModel } from '../core/model/model-files';
import { MAX_ROC_POINTS, rocCurve } from '../core/evaluation/roc';
import type { EvaluationFile, ModelEvaluation, RivalComparison } from '../core/evaluation/evaluation-file';
import { holdoutStart, loadImageRows, loadPixels, monthData, readExampleBatches, type MonthData } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import { ModelRegistry } from '../core/registry/model-registry';
import { HoldoutScores } from '../core/evaluation/holdout-scores';

export type { RivalComparison };

export interface EvaluateInput {
  month: string;
  specKey: string;
  holdoutDays: number;
  candidatePrefix: string;
  /** This month's logistic-regression baseline; runs started before it existed have none. */
  baselinePrefix?: string;
  rules: BlessingRules;
  /** What ingest wrote (runs started before it said so: found by listing). */
  ingested?: MonthData;
}

export interface ModelScore {
  auc: number;
  logLoss: number;
  calibration: number;
  expectedCalibrationError: number;
  meanPredicted: number;
  observedRate: number;
}

export interface EvaluationSummary {
  evaluationKey: string;
  holdoutRows: number;
  candidate: ModelScore;
  champion?: ModelScore & { version: number; comparison: RivalComparison };
  baseline?: ModelScore & { comparison: RivalComparison };
  blessing: Blessing;
}

/** What evaluation.json keeps of each model; the ROC curve stays out of the activity's result (Temporal's history). */
type ScoredModel = Required<ModelEvaluation>;

const EVALUATION_CHUNK = 8192;

const score = (m: Metrics): ModelScore => ({
  auc: m.auc,
  logLoss: m.logLoss,
  calibration: m.calibration,
  expectedCalibrationError: m.expectedCalibrationError,
  meanPredicted: m.meanPredicted,
  observedRate: m.observedRate,
});

const describeComparison = (rival: Rival): RivalComparison => ({
  aucDifference: rival.auc.difference,
  aucStandardError: rival.auc.standardError,
  logLossDifference: rival.logLoss.difference,
  logLossStandardError: rival.logLoss.standardError,
});

export function createEvaluationActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async evaluateCandidate(input: EvaluateInput): Promise<EvaluationSummary> {
      const keys = monthArtifacts(input.month);
      const spec = await getJson<FeatureSpec>(store, input.specKey);
      const split = holdoutStart(input.month, input.holdoutDays);
      const { examples, images } = await monthData(store, input.month, input.ingested);
      const { index, rowOf } = await loadImageRows(store, images);
      const beat = throttledHeartbeat();
      const pixels = await loadPixels(store, images, index?.size, () => beat({ loading: 'pixels' }));
      const registry = new ModelRegistry(store);
      const current = await registry.champion();
      // In this order: candidate, then the baseline and the champion when there are.
      const models = [
        await loadClickModel(store, input.candidatePrefix),
        ...(input.baselinePrefix ? [await loadClickModel(store, input.baselinePrefix)] : []),
        ...(current ? [await loadClickModel(store, (name) => registry.fileKey(current.version, name))] : []),
      ];

      // Stream the holdout in chunks, keeping only what the metrics need (packed), so memory does not hold examples.
      const holdout = new HoldoutScores(models.length, spec.slices);
      // Each model encodes with its own transform: a champion keeps the preprocessing it was trained with.
      const encoders = models.map((loaded) => new Encoder(loaded.transform));
      let chunk: Example[] = [];
      const flush = () => {
        models.forEach((loaded, m) => {
          // A champion trained on other image sizes cannot use this month's pixel table: it is scored without images.
          const usable = loaded.transform.image && index && loaded.transform.image.size === index.size;
          holdout.addScores(m, predictExamples(loaded.model, encoders[m]!, chunk, usable ? rowOf : () => -1, usable ? pixels : undefined));
        });
        for (const example of chunk) holdout.addRow(example.y, (column) => String(example.f[column] ?? '(missing)'));
        chunk = [];
      };
      for await (const batch of readExampleBatches(store, examples)) {
        for (const example of batch) {
          if (example.t < split) continue;
          chunk.push(example);
          if (chunk.length === EVALUATION_CHUNK) {
            flush();
            beat({ scored: holdout.rows });
          }
        }
      }
      flush();

      // Workers live long: free the models' weights now rather than leak them per evaluation.
      for (const { model } of models) disposeClickModel(model);
      const labels = holdout.labels();
      const probabilities = models.map((_, m) => holdout.probabilities(m));
      const sliceValues = holdout.sliceColumns();
      // A holdout of millions takes seconds per sort: one sort per model, and a heartbeat and a turn of the
      // event loop (which delivers it) between steps.
      const breathe = async (details: unknown) => {
        beat(details);
        await new Promise((resolve) => setImmediate(resolve));
      };
      const orders: Uint32Array[] = [];
      const scored: ScoredModel[] = [];
      for (const [m, p] of probabilities.entries()) {
        await breathe({ sorting: m });
        orders.push(ascendingOrder(p));
        await breathe({ metrics: m });
        const overall = computeMetrics(labels, p, orders[m]);
        const slices: ScoredModel['slices'] = [];
        for (const [column, values] of Object.entries(sliceValues)) {
          await breathe({ metrics: m, slice: column });
          slices.push(...metricsByValue(labels, p, column, values));
        }
        scored.push({ overall, slices, roc: rocCurve(labels, p, MAX_ROC_POINTS, orders[m]) });
      }
      const candidate = scored[0]!;
      const rival = async (m: number): Promise<Rival> => {
        await breathe({ comparing: m });
        return {
          metrics: scored[m]!.overall,
          auc: compareAuc(labels, probabilities[0]!, probabilities[m]!, { a: orders[0]!, b: orders[m]! }),
          logLoss: compareLogLoss(labels, probabilities[0]!, probabilities[m]!),
        };
      };
      const baselineIndex = input.baselinePrefix ? 1 : undefined;
      const championIndex = current ? models.length - 1 : undefined;
      const rivals = {
        baseline: baselineIndex === undefined ? undefined : await rival(baselineIndex),
        champion: championIndex === undefined ? undefined : await rival(championIndex),
      };
      const baseline = baselineIndex === undefined ? undefined : { ...scored[baselineIndex]!, comparison: describeComparison(rivals.baseline!) };
      const champion =
        current && championIndex !== undefined
          ? { version: current.version, ...scored[championIndex]!, comparison: describeComparison(rivals.champion!) }
          : undefined;
      const blessing = bless(candidate.overall, input.rules, rivals);
      const file: EvaluationFile = {
        month: input.month,
        holdoutStart: new Date(split).toISOString(),
        holdoutRows: labels.length,
        rules: input.rules,
        candidate,
        baseline,
        champion,
        blessing,
      };
      await putJson(store, keys.evaluation, file);
      log.info('evaluated', {
        month: input.month,
        candidateAuc: candidate.overall.auc,
        baselineAuc: baseline?.overall.auc,
        championAuc: champion?.overall.auc,
        blessed: blessing.blessed,
      });
      return {
        evaluationKey: keys.evaluation,
        holdoutRows: labels.length,
        candidate: score(candidate.overall),
        champion: champion ? { version: champion.version, ...score(champion.overall), comparison: champion.comparison } : undefined,
        baseline: baseline ? { ...score(baseline.overall), comparison: baseline.comparison } : undefined,
        blessing,
      };
    },
  };
}
