// Bad input loses nothing and crashes nothing: bad rows are quarantined with reasons and counted,
// broken images do not stop the run, and data that cannot be trusted fails the run before training.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateMonth, type GeneratedMonthSummary } from '../core/datagen/generate-month';
import { listAll, putJson } from '../core/storage/blob-store';
import { readJsonLines } from '../core/storage/lines';
import { ModelRegistry } from '../core/registry/model-registry';
import type { PipelineProgress } from '../workflows/monthly-pipeline';
import { failureOf, runMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;
let generated: GeneratedMonthSummary;
let run: PipelineProgress;

beforeAll(async () => {
  store = await freshGcsStore();
  generated = await generateMonth(store, {
    month: '2026-05',
    impressions: 8000,
    ads: 150,
    files: 2,
    dirt: { malformedRows: 0.01, outOfRangeRows: 0.01, missingImages: 0.03, corruptImages: 0.03 },
  });
  stack = await startWorkers(store);
  run = await runMonth(stack, '2026-05', testSettings(stack));
});
afterAll(async () => stack?.stop());

it('quarantines exactly the bad rows, each with its reason, and counts them', async () => {
  const ingest = run.summary.ingest as { rows: number; accepted: number; quarantined: number; quarantineReasons: Record<string, number> };
  const bad = generated.dirt.malformedRows.total + generated.dirt.outOfRangeRows.total;
  expect(bad).toBeGreaterThan(100);
  expect(ingest.quarantined).toBe(bad);
  expect(Object.values(ingest.quarantineReasons).reduce((a, b) => a + b, 0)).toBe(bad);
  expect(ingest.quarantineReasons['user_age is out of range']).toBeGreaterThan(0);
  expect(ingest.accepted).toBe(8000 - bad);
  const quarantined: { reason: string; line: number; file: string }[] = [];
  for (const part of await listAll(store, 'artifacts/2026-05/quarantine/')) {
    for await (const row of readJsonLines<{ reason: string; line: number; file: string }>(store, part.key)) quarantined.push(row);
  }
  expect(quarantined).toHaveLength(bad);
  expect(quarantined.every((q) => q.reason.length > 5 && q.file.startsWith('raw/2026-05/'))).toBe(true);
  expect(quarantined.some((q) => /out of range/.test(q.reason))).toBe(true);
  expect(quarantined.some((q) => /expected \d+ fields/.test(q.reason))).toBe(true);
});

it('counts missing and corrupt images without stopping the run, and still promotes', async () => {
  const images = (run.summary.ingest as { images: { missing: number; corrupt: number; ok: number } }).images;
  expect(images.missing).toBe(generated.dirt.missingImages);
  expect(images.corrupt).toBe(generated.dirt.corruptImages);
  expect(images.missing + images.corrupt).toBeGreaterThan(0);
  const validation = run.summary.validate as { warnings: string[] };
  expect(validation.warnings.join('\n')).toMatch(/image_path/);
  expect(run.stage).toBe('done');
});

it('fails a month whose CSV lacks a required column, naming it, and promotes nothing', async () => {
  await store.put('raw/2026-06/impressions-001.csv', 'impression_id,timestamp,clicked\nx,2026-06-02T10:00:00Z,0\n');
  const before = await new ModelRegistry(store).list();
  const failure = await failureOf(stack, '2026-06', testSettings(stack));
  expect(failure).toMatch(/lacks required column\(s\) ad_id, advertiser/);
  expect(await new ModelRegistry(store).list()).toEqual(before);
});

it('fails a month that drifted far from the last one before training, with a readable report', async () => {
  await generateMonth(store, { month: '2026-06', impressions: 8000, ads: 150, files: 2, drift: 1 });
  const failure = await failureOf(stack, '2026-06', testSettings(stack));
  expect(failure).toMatch(/blocking anomalies/);
  expect(failure).toMatch(/device/);
  expect(await listAll(store, 'artifacts/2026-06/train/')).toEqual([]);
  expect((await new ModelRegistry(store).list()).map((v) => v.metadata.dataMonth)).toEqual(['2026-05']);
});

it('fails clearly on an invalid spec in the bucket', async () => {
  await generateMonth(store, { month: '2026-07', impressions: 500, ads: 20, files: 1 });
  await putJson(store, 'raw/2026-07/spec.json', { columns: [{ name: 'clicked', role: 'label' }] });
  expect(await failureOf(stack, '2026-07', testSettings(stack))).toMatch(/Invalid feature spec: .*timestamp/);
});
