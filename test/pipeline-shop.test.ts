// A month from the shop generator (other columns, its own raw/<month>/spec.json, epoch-millisecond
// timestamps, PNG creatives) runs through the whole pipeline on real Temporal and a real GCS API.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EvaluationSummary } from '../activities/evaluate';
import { ModelRegistry } from '../core/registry/model-registry';
import { generateShopMonth } from '../core/shop-datagen/generate-shop-month';
import { runMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const MONTH = '2026-04';
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;

beforeAll(async () => {
  store = await freshGcsStore();
  await generateShopMonth(store, { month: MONTH, impressions: 20_000, ads: 150, files: 2 });
  stack = await startWorkers(store);
});
afterAll(async () => stack?.stop());

it('ingests every row and image, trains, evaluates and promotes a model of the shop spec', async () => {
  const run = await runMonth(stack, MONTH, testSettings(stack));
  expect(run.stage).toBe('done');
  const ingest = run.summary.ingest as { rows: number; accepted: number; quarantined: number; images: { ok: number; missing: number; corrupt: number } };
  expect([ingest.rows, ingest.accepted, ingest.quarantined]).toEqual([20_000, 20_000, 0]);
  expect([ingest.images.missing, ingest.images.corrupt]).toEqual([0, 0]);
  expect(ingest.images.ok).toBeGreaterThan(100);
  const evaluation = run.summary.evaluate as EvaluationSummary;
  expect(evaluation.candidate.auc).toBeGreaterThan(0.6);
  const [version] = await new ModelRegistry(store).list();
  expect(version?.metadata.specName).toBe('shop-events');
  expect(version?.files.map((f) => f.name).some((name) => name.startsWith('image-tower/'))).toBe(true);
});
