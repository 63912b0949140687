// One model-quality run: a generator's months M and M+1 in a fresh local bucket, the monthly pipeline
// for M on real Temporal and workers, then the served model, a logistic-regression baseline and the
// oracle (true p) scored on M's evaluation holdout and on M+1's rows whose ad M never showed.
import { startApi } from '../api/lib/start-api';
import type { PromotionDecision } from '../activities/promote';
import type { EvaluationSummary } from '../activities/evaluate';
import { computeMetrics, type Metrics } from '../core/evaluation/metrics';
import { addMonths } from '../core/features/month';
import { parseFeatureSpec } from '../core/features/spec';
import type { FittedTransform } from '../core/features/transform';
import type { DataGenerator } from '../core/generators';
import { holdoutStart, listExampleShards, readExamples } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import { getJson } from '../core/storage/blob-store';
import { LocalStore } from '../core/storage/local-store';
import type { TemporalDevServer } from '../devstack/temporal-dev-server';
import { loadRunBaseline, type LogisticBaseline } from './run-baseline';
import { readTrueProbabilities } from './raw-rows';
import { scoreRawRows, type ScoreRowsInput } from './scored-rows';
import { serveCandidate } from './serve-candidate';
import { BENCH_API_TOKEN, benchConfig, runPipeline } from './stack';

export interface ScoredSet {
  /** 'holdout <M>', 'cold start <M+1>' or 'known ads <M+1>' (the control: what the next month alone changes). */
  name: string;
  rows: number;
  clicks: number;
  oracle: Metrics;
  logistic: Metrics;
  model: Metrics;
}

export interface QualityRun {
  generator: string;
  impressions: number;
  month: string;
  newAds: number;
  sets: ScoredSet[];
  /** The pipeline's own evaluation of the candidate on the holdout, to compare with what serving gave. */
  pipelineAuc: number;
  blessing: string;
  seconds: { generate: number; pipeline: number; score: number; whole: number };
}

export interface QualityRunInput {
  temporal: TemporalDevServer;
  generator: DataGenerator;
  impressions: number;
  ads: number;
  month: string;
  bucketDir: string;
}

const since = (started: number) => (performance.now() - started) / 1000;

async function scoreSet(name: string, input: ScoreRowsInput, baseline: LogisticBaseline): Promise<ScoredSet> {
  const scored = await scoreRawRows(input);
  const truth = await readTrueProbabilities(input.store, input.month, new Set(scored.ids));
  const oracle = scored.ids.map((id) => truth.get(id)!);
  const clicks = scored.labels.reduce((sum, y) => sum + y, 0);
  return {
    name,
    rows: scored.ids.length,
    clicks,
    oracle: computeMetrics(scored.labels, oracle),
    logistic: computeMetrics(scored.labels, baseline.predict(scored.encoded)),
    model: computeMetrics(scored.labels, scored.served),
  };
}

export async function runQuality(input: QualityRunInput): Promise<QualityRun> {
  const { generator, month } = input;
  const nextMonth = addMonths(month, 1);
  const started = performance.now();
  const store = new LocalStore(input.bucketDir);
  const config = benchConfig(input.temporal, input.bucketDir);
  await generator.generate(store, { month, impressions: input.impressions, ads: input.ads });
  const next = await generator.generate(store, { month: nextMonth, impressions: input.impressions, ads: input.ads });
  const generate = since(started);

  const { run, seconds: pipeline } = await runPipeline(config, month, `model-quality-${generator.name}-${input.impressions}-${month}`);
  const evaluation = run.summary.evaluate as EvaluationSummary;
  const scoreStarted = performance.now();
  const running = await startApi(config);
  const api = { url: running.url, token: BENCH_API_TOKEN };
  const keys = monthArtifacts(month);
  const [transform, spec] = await Promise.all([getJson<FittedTransform>(store, keys.transform), getJson<unknown>(store, keys.spec).then(parseFeatureSpec)]);
  const baseline = await loadRunBaseline(store, run);
  try {
    await serveCandidate(api, run.summary.promote as PromotionDecision);
    // Only rows the pipeline accepted: its holdout ids, and the ads its training month showed.
    const split = holdoutStart(month, config.HOLDOUT_DAYS);
    const holdoutIds = new Set<string>();
    const seenAds = new Set<unknown>();
    for await (const example of readExamples(store, await listExampleShards(store, month))) {
      seenAds.add(example.f[generator.adColumn]);
      if (example.t >= split && example.id !== undefined) holdoutIds.add(example.id);
    }
    const common = { store, spec, transform, api };
    const sets = [
      await scoreSet(`holdout ${month}`, { ...common, month, keep: (example) => holdoutIds.has(example.id!) }, baseline),
      await scoreSet(`cold start ${nextMonth}`, { ...common, month: nextMonth, keep: (example) => !seenAds.has(example.f[generator.adColumn]) }, baseline),
      // The control for cold start: the same month's rows whose ad M did show (seasonality moves both).
      await scoreSet(`known ads ${nextMonth}`, { ...common, month: nextMonth, keep: (example) => seenAds.has(example.f[generator.adColumn]) }, baseline),
    ];
    const { blessing } = evaluation;
    return {
      generator: generator.name,
      impressions: input.impressions,
      month,
      newAds: next.newAds,
      sets,
      pipelineAuc: evaluation.candidate.auc,
      blessing: blessing.blessed ? 'blessed' : `rejected (${blessing.reasons.join('; ')})`,
      seconds: { generate, pipeline, score: since(scoreStarted), whole: since(started) },
    };
  } finally {
    baseline.dispose();
    await running.stop();
  }
}
