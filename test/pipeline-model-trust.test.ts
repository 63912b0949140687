// What makes a reported number trustworthy, checked on a real run: the month is split by time into
// train | validation | evaluation holdout and nothing that trains or tunes reads the holdout; the model is
// calibrated on the validation days and serving applies that calibration; a logistic-regression baseline
// is scored on the same rows; and a candidate that loses to it is rejected for exactly that.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../api/app';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { parseRow } from '../core/features/parse-row';
import { Encoder, type FittedTransform } from '../core/features/transform';
import { loadClickModel } from '../core/model/model-files';
import { predictExamples } from '../core/model/predict';
import { loadImageRows, loadPixels, monthImages } from '../core/pipeline/examples';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { getJson, listAll } from '../core/storage/blob-store';
import { parse } from 'csv-parse/sync';
import type { EvaluationSummary } from '../activities/evaluate';
import type { TransformResult } from '../activities/transform';
import type { PipelineProgress } from '../workflows/monthly-pipeline';
import { apiCaller, testTokens } from './helpers/api';
import { runMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const MONTH = '2026-03';
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;
let run: PipelineProgress;

beforeAll(async () => {
  store = await freshGcsStore();
  await generateMonth(store, { month: MONTH, impressions: 12_000, ads: 150, files: 2 });
  stack = await startWorkers(store);
  run = await runMonth(stack, MONTH, testSettings(stack, { tuningTrials: 2 }));
});
afterAll(async () => stack?.stop());

it('splits the month by time, fits the transform on the train days only, and evaluates only on the holdout', async () => {
  const ingest = run.summary.ingest as { accepted: number };
  const split = run.summary.transform as TransformResult;
  const evaluation = run.summary.evaluate as EvaluationSummary;
  expect(split.trainRows + split.validationRows + split.holdoutRows).toBe(ingest.accepted);
  expect(Date.parse(split.validationStart)).toBeLessThan(Date.parse(split.holdoutStart));
  expect(Date.parse(split.holdoutStart)).toBe(Date.UTC(2026, 3, 1) - 7 * 86_400_000);
  const transform = await getJson<FittedTransform>(store, split.transformKey);
  expect(transform.fittedOn.rows).toBe(split.trainRows);
  expect(transform.fittedOn.to).toBeLessThan(Date.parse(split.validationStart));
  expect(evaluation.holdoutRows).toBe(split.holdoutRows);
});

it('tunes with separate trials, picks the lowest validation loss, and calibrates on the validation days', async () => {
  const trained = run.summary.train as {
    trial: number;
    bestValidationLoss: number;
    calibration: { fittedOn: { rows: number } };
    trials: { trial: number; bestValidationLoss: number }[];
  };
  expect(trained.trials.map((t) => t.trial)).toEqual([0, 1]);
  expect(trained.bestValidationLoss).toBe(Math.min(...trained.trials.map((t) => t.bestValidationLoss)));
  expect(trained.calibration.fittedOn.rows).toBe((run.summary.transform as TransformResult).validationRows);
  const champion = (await new ModelRegistry(store).champion())!;
  const files = (await new ModelRegistry(store).get(champion.version))!.files.map((f) => f.name);
  expect(files).toContain('calibration.json');
});

it('scores the logistic-regression baseline on the same rows and reports calibration error for all', () => {
  const evaluation = run.summary.evaluate as EvaluationSummary;
  expect(evaluation.baseline!.auc).toBeGreaterThan(0.55);
  for (const score of [evaluation.candidate, evaluation.baseline!]) {
    expect(score.observedRate).toBe(evaluation.candidate.observedRate);
    expect(score.expectedCalibrationError).toBeGreaterThanOrEqual(0);
    expect(score.expectedCalibrationError).toBeLessThan(0.05);
  }
});

it('serves calibrated probabilities: the API answers what the saved model with its calibration predicts', async () => {
  const registry = new ModelRegistry(store);
  const champion = (await registry.champion())!;
  const loaded = await loadClickModel(store, (name) => registry.fileKey(champion.version, name));
  const [file] = await listAll(store, `raw/${MONTH}/impressions-`);
  const rows = (parse(await store.get(file!.key), { columns: true }) as Record<string, string>[]).slice(0, 20);
  const instances = rows.map(({ clicked: _label, ...row }) => ({ ...row, image_path: `raw/${MONTH}/${row.image_path}` }));

  const predictor = new ChampionPredictor({ store, registry, pollSeconds: 0 });
  await predictor.start();
  let server: RunningServer | undefined;
  try {
    const tokens = testTokens({ client: 'predict' });
    server = await startServer(createApp({ store, registry, predictor, temporal: stack.client, config: loadConfig(), tokens: tokens.set }), '127.0.0.1', 0);
    const response = await apiCaller(server.url, tokens.token.client)<{ predictions: { clickProbability: number }[] }>('POST', '/v1/predict', { instances });
    expect(response.status).toBe(200);
    const served = response.body.predictions.map((p) => p.clickProbability);

    const examples = instances.map((instance) => {
      const parsed = parseRow(loaded.spec, instance, { requireLabel: false, resolveImage: (key) => key });
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.example;
    });
    const images = await monthImages(store, MONTH);
    const { index, rowOf } = await loadImageRows(store, images);
    const pixels = await loadPixels(store, images, index?.size);
    const encoder = new Encoder(loaded.transform);
    const calibrated = predictExamples(loaded.model, encoder, examples, rowOf, pixels);
    const raw = predictExamples({ ...loaded.model, calibration: undefined }, encoder, examples, rowOf, pixels);
    served.forEach((p, i) => expect(p).toBeCloseTo(calibrated[i]!, 5));
    expect(served.some((p, i) => Math.abs(p - raw[i]!) > 1e-4)).toBe(true);
  } finally {
    await server?.close();
    await predictor.close();
  }
});

it('rejects a candidate that loses to the logistic-regression baseline, saying so', async () => {
  const settings = testSettings(stack);
  // No linear phase and a learning rate of 0: the untrained model predicts the base rate for everyone.
  const crippled = await runMonth(stack, MONTH, { ...settings, training: { ...settings.training, linear: undefined, learningRate: 0, maxEpochs: 1 } });
  const evaluation = crippled.summary.evaluate as EvaluationSummary;
  expect(evaluation.candidate.auc).toBeLessThan(evaluation.baseline!.auc);
  expect(evaluation.blessing.blessed).toBe(false);
  expect(evaluation.blessing.reasons.join('\n')).toMatch(/loses to the logistic-regression baseline's 0\.\d{4} on the same rows/);
  expect(crippled.summary.promote).toMatchObject({ outcome: 'rejected' });
});
