// The pipeline runs unchanged on a dataset with other columns, including none for images: the
// bucket's own spec.json says what the columns are.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateMonth } from '../core/datagen/generate-month';
import { listAll, putJson } from '../core/storage/blob-store';
import { ModelRegistry } from '../core/registry/model-registry';
import type { EvaluationSummary } from '../activities/evaluate';
import { runMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;

beforeAll(async () => {
  store = await freshGcsStore();
  await generateMonth(store, { month: '2026-03', impressions: 20_000, ads: 150, files: 2 });
  await putJson(store, 'spec.json', {
    name: 'tabular-only',
    columns: [
      { name: 'impression_id', role: 'id' },
      { name: 'timestamp', role: 'timestamp' },
      { name: 'placement', role: 'categorical', vocabularySize: 10 },
      { name: 'device', role: 'categorical', vocabularySize: 5 },
      { name: 'user_interest', role: 'categorical', vocabularySize: 20 },
      { name: 'ad_category', role: 'categorical', vocabularySize: 20 },
      { name: 'user_age', role: 'numeric', min: 0, max: 120 },
      { name: 'clicked', role: 'label' },
    ],
    slices: ['device'],
  });
  stack = await startWorkers(store);
});
afterAll(async () => stack?.stop());

it('trains, evaluates and promotes a model without an image tower', async () => {
  const run = await runMonth(stack, '2026-03', testSettings(stack));
  expect(run.stage).toBe('done');
  expect((run.summary.ingest as { images?: unknown }).images).toBeNull();
  const evaluation = run.summary.evaluate as EvaluationSummary;
  expect(evaluation.candidate.auc).toBeGreaterThan(0.55);
  const [version] = await new ModelRegistry(store).list();
  expect(version?.metadata.specName).toBe('tabular-only');
  expect(version?.files.map((f) => f.name).some((name) => name.startsWith('image-tower/'))).toBe(false);
  expect(await listAll(store, 'artifacts/2026-03/images/pixels')).toEqual([]);
});
