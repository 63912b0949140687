// The whole pipeline on the real Temporal server and a real GCS API: two consecutive months. The
// first promotes a champion; the second is evaluated against it and promoted or rejected by the rules.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateMonth } from '../core/datagen/generate-month';
import { getJson, listAll } from '../core/storage/blob-store';
import { ModelRegistry } from '../core/registry/model-registry';
import type { EvaluationSummary } from '../activities/evaluate';
import type { PipelineProgress } from '../workflows/monthly-pipeline';
import { recordHistory, startMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const MONTHS = ['2026-08', '2026-09'];
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;
const runs: PipelineProgress[] = [];

beforeAll(async () => {
  store = await freshGcsStore();
  for (const month of MONTHS) await generateMonth(store, { month, impressions: 12_000, ads: 150, files: 2, gzip: month === '2026-09' });
  stack = await startWorkers(store);
  for (const month of MONTHS) {
    const handle = await startMonth(stack, month, testSettings(stack));
    runs.push(await handle.result());
    await recordHistory(`monthly-pipeline-${month}`, handle.workflowId, await handle.fetchHistory());
  }
});
afterAll(async () => stack?.stop());

it('runs every stage for each month', () => {
  for (const run of runs) {
    expect(run.stage).toBe('done');
    expect(run.completed).toEqual(['ingest', 'validate', 'transform', 'train', 'evaluate', 'feedback', 'promote']);
    expect(run.reused).toEqual([]);
    expect(run.summary.feedback).toMatchObject({ outcome: 'no predictions logged', models: [], warnings: [] });
  }
  const ingest = runs[0]!.summary.ingest as { rows: number; accepted: number; quarantined: number };
  expect(ingest.rows).toBe(12_000);
  expect(ingest.accepted + ingest.quarantined).toBe(12_000);
});

it('promotes the first month, and judges the second against it', async () => {
  const registry = new ModelRegistry(store);
  const versions = await registry.list();
  expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  const first = versions.find((v) => v.version === 1)!;
  expect(first.metadata.dataMonth).toBe('2026-08');
  expect(first.files.map((f) => f.name)).toEqual(expect.arrayContaining(['head/model.json', 'image-tower/weights.bin', 'transform.json']));

  const secondEvaluation = runs[1]!.summary.evaluate as EvaluationSummary;
  expect(secondEvaluation.champion?.version).toBe(1);
  const decision = runs[1]!.summary.promote as { version: number; outcome: string };
  expect(decision.outcome).toBe(secondEvaluation.blessing.blessed ? 'promoted' : 'rejected');
  expect((await registry.champion())?.version).toBe(secondEvaluation.blessing.blessed ? 2 : 1);

  const history = await registry.history();
  expect(history.filter((h) => h.event === 'promoted').map((h) => h.version)).toEqual(secondEvaluation.blessing.blessed ? [1, 2] : [1]);
  if (!secondEvaluation.blessing.blessed) expect(history.at(-1)).toMatchObject({ event: 'rejected', version: 2 });
});

it('writes a readable evaluation with calibration and slices', async () => {
  const evaluation = await getJson<{ candidate: { overall: { auc: number; reliability: unknown[] }; slices: { column: string }[] } }>(
    store,
    'artifacts/2026-09/evaluation.json',
  );
  expect(evaluation.candidate.overall.auc).toBeGreaterThan(0.5);
  expect(evaluation.candidate.overall.reliability.length).toBe(10);
  expect(new Set(evaluation.candidate.slices.map((s) => s.column))).toEqual(new Set(['placement', 'device', 'ad_category']));
});

it('re-running a finished month reuses every stage and registers nothing new', async () => {
  const before = (await listAll(store, 'registry/versions/')).length;
  const handle = await startMonth(stack, '2026-09', testSettings(stack));
  const rerun = await handle.result();
  expect(rerun.reused).toEqual(['ingest', 'validate', 'transform', 'train', 'evaluate', 'feedback', 'promote']);
  expect((await listAll(store, 'registry/versions/')).length).toBe(before);
  await recordHistory('monthly-pipeline-rerun', handle.workflowId, await handle.fetchHistory());
});

it('re-running after new data arrived in the month reuses nothing', async () => {
  const settings = testSettings(stack);
  const [first] = await listAll(store, 'raw/2026-08/impressions-');
  await store.put('raw/2026-08/impressions-late.csv', (await store.get(first!.key)).toString().split('\n').slice(0, 50).join('\n'));
  const rerun = await (await startMonth(stack, '2026-08', settings)).result();
  expect(rerun.reused).toEqual([]);
  expect((rerun.summary.ingest as { files: number }).files).toBe(3);
});

it('re-running with other settings reuses nothing', async () => {
  const settings = testSettings(stack);
  const rerun = await (await startMonth(stack, '2026-09', { ...settings, holdoutDays: settings.holdoutDays - 1 })).result();
  expect(rerun.reused).toEqual([]);
  expect(rerun.completed).toEqual(['ingest', 'validate', 'transform', 'train', 'evaluate', 'feedback', 'promote']);
});
