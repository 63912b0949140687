// Feedback from production, end to end on the real stack: a month's impressions are served over HTTP
// (by two champions in turn, some asked twice, one id the month never saw), the log reaches the bucket,
// then the month's pipeline runs on Temporal and its feedback stage reports each served version's AUC,
// log loss and calibration on the actual clicks, equal to a direct computation from the logged answers.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FeedbackSummary } from '../activities/feedback';
import { generateMonth } from '../core/datagen/generate-month';
import { defaultFeedbackSettings } from '../core/pipeline/settings';
import { ModelRegistry } from '../core/registry/model-registry';
import type { GcsStore } from '../core/storage/gcs-store';
import type { PipelineProgress } from '../workflows/monthly-pipeline';
import { describeOutcome } from '../scripts/main/month-outcome';
import { runMonth, testSettings } from './helpers/pipeline';
import { postPredict, readPredictionLog, serveWithPredictionLog } from './helpers/prediction-log';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';
import { registerTinyModel } from './helpers/tiny-model';

const MONTH = '2026-07';
const BATCH = 500;
let store: GcsStore;
let stack: TestStack;
let run: PipelineProgress;
let feedbackSettings: typeof defaultFeedbackSettings;
/** What the API answered, by version: impression id → probability (the last answer for an id). */
const answered = new Map<number, Map<string, number>>();
const clicked = new Map<string, number>();

beforeAll(async () => {
  store = await freshGcsStore();
  const month = await generateMonth(store, { month: MONTH, impressions: 6000, ads: 120, files: 1 });
  const rows = parse(await store.get(month.files[0]!.key), { columns: true }) as Record<string, string>[];
  for (const row of rows) clicked.set(row.impression_id!, Number(row.clicked));
  // Every third impression is served, as a client would send it: no label, the image by its bucket key.
  const instances: Record<string, string>[] = rows
    .filter((_, i) => i % 3 === 0)
    .map(({ clicked: _label, ...row }) => ({ ...row, image_path: `raw/${MONTH}/${row.image_path}` }));

  const registry = new ModelRegistry(store);
  await registerTinyModel(store, registry);
  const api = await serveWithPredictionLog(store);
  const serve = async (batch: typeof instances) => {
    const { status, body } = await postPredict(api, batch);
    expect(status).toBe(200);
    const byId = answered.get(body.modelVersion) ?? new Map<string, number>();
    answered.set(body.modelVersion, byId);
    batch.forEach((instance, i) => byId.set(instance.impression_id!, body.predictions[i]!.clickProbability));
  };
  const half = Math.floor(instances.length / 2);
  for (let at = 0; at < half; at += BATCH) await serve(instances.slice(at, Math.min(at + BATCH, half)));
  await registerTinyModel(store, registry, { reason: 'the second champion of the month' });
  await api.predictor.refresh();
  for (let at = half; at < instances.length; at += BATCH) await serve(instances.slice(at, at + BATCH));
  // Asked again of the new champion: counted for it too; asked twice of one version: counted once.
  await serve(instances.slice(0, 100));
  await serve(instances.slice(0, 10));
  await serve([{ ...instances[0]!, impression_id: 'imp-not-in-this-month' }]);
  await api.stop();

  const days = (await readPredictionLog(store)).map((entry) => entry.at.slice(0, 10)).sort();
  stack = await startWorkers(store);
  // The log is written today; the month is in the past: its log days are named, as for a backfill.
  feedbackSettings = { ...defaultFeedbackSettings, logDays: { from: days[0]!, to: days.at(-1)! }, partitionBytes: 20_000 };
  run = await runMonth(stack, MONTH, testSettings(stack, { feedback: feedbackSettings }));
}, 600_000);
afterAll(async () => stack?.stop());

/** AUC by counting pairs: P(a clicked impression outranks an unclicked one), ties counting half. */
function pairwiseAuc(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((label, i) => {
    if (label !== 1) return;
    labels.forEach((other, j) => {
      if (other !== 0) return;
      pairs += 1;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

it("reports each served version on the month's actual clicks, as computed directly from the logged answers", () => {
  const feedback = run.summary.feedback as FeedbackSummary;
  expect(run.completed).toContain('feedback');
  expect(feedback.outcome).toBe('measured');
  expect(feedback.partitions).toBeGreaterThan(1);
  expect(feedback.models.map((m) => m.modelVersion)).toEqual([...answered.keys()].sort());
  expect(feedback.models).toHaveLength(2);
  for (const model of feedback.models) {
    const byId = [...answered.get(model.modelVersion)!].filter(([id]) => clicked.has(id));
    const labels = byId.map(([id]) => clicked.get(id)!);
    const probabilities = byId.map(([, p]) => p);
    const clip = (p: number) => Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    const logLikelihood = labels.reduce((sum, y, i) => sum + Math.log(y === 1 ? clip(probabilities[i]!) : 1 - clip(probabilities[i]!)), 0);
    const logLoss = -logLikelihood / labels.length;
    const meanPredicted = probabilities.reduce((a, b) => a + b, 0) / labels.length;
    const observedRate = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(model.count).toBe(labels.length);
    expect(model.auc).toBeCloseTo(pairwiseAuc(labels, probabilities), 9);
    expect(model.logLoss).toBeCloseTo(logLoss, 9);
    expect(model.calibration).toBeCloseTo(meanPredicted / observedRate, 9);
    const miscalibrated = model.calibration < 1 / 1.2 || model.calibration > 1.2;
    expect(feedback.warnings.some((w) => w.startsWith(`v${model.modelVersion} in production is miscalibrated`))).toBe(miscalibrated);
  }
  expect(feedback.counts).toMatchObject({ withoutId: 0, superseded: 10, unmatched: 1 });
});

it("names the served versions in the main job's month line", () => {
  const feedback = run.summary.feedback as FeedbackSummary;
  const line = describeOutcome({ month: MONTH, run }, undefined);
  for (const model of feedback.models) expect(line).toContain(`v${model.modelVersion} AUC ${model.auc.toFixed(4)}`);
});

it('warns only beyond the configured calibration ratio, and joins the same in another number of partitions', async () => {
  const measured = run.summary.feedback as FeedbackSummary;
  const widest = Math.max(...measured.models.map((m) => Math.max(m.calibration, 1 / m.calibration)));
  const settings = testSettings(stack, { feedback: { ...feedbackSettings, maxCalibrationRatio: widest + 1, partitionBytes: 1_000_000 } });
  const tolerant = await runMonth(stack, MONTH, settings);
  const feedback = tolerant.summary.feedback as FeedbackSummary;
  expect(feedback.warnings).toEqual([]);
  expect(feedback.partitions).toBeLessThan(measured.partitions);
  expect(feedback.models.map((m) => [m.modelVersion, m.count, m.auc])).toEqual(measured.models.map((m) => [m.modelVersion, m.count, m.auc]));
  // Partitions change the order rows are summed in, so log loss agrees to rounding.
  feedback.models.forEach((m, i) => expect(m.logLoss).toBeCloseTo(measured.models[i]!.logLoss, 12));
}, 300_000);
