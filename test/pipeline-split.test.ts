// A month that arrives as one big CSV is cut into parts of whole records (quoted newlines and quotes
// respected), ingested in parallel — never more at once than the worker's activity slots — and its
// quarantined rows still name the source file and line.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateMonth, type GeneratedMonthSummary } from '../core/datagen/generate-month';
import { listAll } from '../core/storage/blob-store';
import { readJsonLines } from '../core/storage/lines';
import type { PipelineProgress } from '../workflows/monthly-pipeline';
import { activityIntervals, type ActivityInterval } from '../core/temporal/activity-intervals';
import { startMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;
let generated: GeneratedMonthSummary;
let run: PipelineProgress;
let intervals: ActivityInterval[];

beforeAll(async () => {
  store = await freshGcsStore();
  generated = await generateMonth(store, {
    month: '2026-02',
    impressions: 9000,
    ads: 100,
    files: 1,
    gzip: true,
    dirt: { malformedRows: 0.01, outOfRangeRows: 0.01 },
  });
  // Two slots for five parts: the setting that bounds a pipeline worker's memory (PIPELINE_WORKER_ACTIVITIES).
  stack = await startWorkers(store, { pipelineActivities: 2 });
  const handle = await startMonth(stack, '2026-02', testSettings(stack, { ingest: { splitBytes: 1, rowsPerPart: 2000 } }));
  run = await handle.result();
  intervals = await activityIntervals(stack.client, handle.workflowId);
});
afterAll(async () => stack?.stop());

it('ingests a one-file month as parallel parts, losing and duplicating nothing', async () => {
  const ingest = run.summary.ingest as { files: number; parts: number; rows: number; accepted: number; quarantined: number };
  expect(ingest).toMatchObject({ files: 1, parts: 5, rows: 9000 });
  const bad = generated.dirt.malformedRows.total + generated.dirt.outOfRangeRows.total;
  expect(ingest.quarantined).toBe(bad);
  expect(ingest.accepted).toBe(9000 - bad);
  expect(run.stage).toBe('done');
});

it('reports quarantined rows at their line in the source file', async () => {
  const [source] = await listAll(store, 'raw/2026-02/impressions-');
  const { gunzipSync } = await import('node:zlib');
  const lines = gunzipSync(await store.get(source!.key))
    .toString('utf8')
    .split('\n');
  let checked = 0;
  for (const part of await listAll(store, 'artifacts/2026-02/quarantine/')) {
    for await (const row of readJsonLines<{ file: string; line: number; raw: string }>(store, part.key)) {
      expect(row.file).toBe(source!.key);
      expect(lines[row.line - 1]!.replace(/\r$/, '')).toBe(row.raw);
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThan(50);
});

it('runs the parts in parallel, but never more activities at once than the worker has slots', () => {
  const parts = intervals.filter((i) => i.activity === 'ingestFile');
  expect(parts).toHaveLength(5);
  // Most activities of any kind running at one moment: at each start, count those that started before and had not ended.
  const inFlightAt = (moment: number) => intervals.filter((i) => i.from <= moment && moment < i.to).length;
  const most = Math.max(...intervals.map((i) => inFlightAt(i.from)));
  expect(most).toBe(2);
});
