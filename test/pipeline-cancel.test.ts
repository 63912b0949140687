// Cancelling a run stops its running activities within seconds, not when their file is done, and
// leaves nothing half-written: the part being ingested publishes no examples and no temporary file.
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateMonth } from '../core/datagen/generate-month';
import { listAll } from '../core/storage/blob-store';
import { startMonth, testSettings } from './helpers/pipeline';
import { freshLocalStore, startWorkers, type TestStack } from './helpers/stack';

const MONTH = '2026-02';
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshLocalStore>>;

beforeAll(async () => {
  store = await freshLocalStore();
  // One big file: ingesting it whole takes far longer than cancellation may.
  await generateMonth(store, { month: MONTH, impressions: 400_000, ads: 100, files: 1 });
  stack = await startWorkers(store);
});
afterAll(async () => stack?.stop());

async function tempFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.filter((name) => name.includes('.tmp-')).map((name) => path.join(dir, name));
}

it('stops ingest on cancel and publishes nothing half-written', async () => {
  const settings = testSettings(stack, { ingest: { splitBytes: Number.MAX_SAFE_INTEGER, rowsPerPart: 1_000_000 } });
  const handle = await startMonth(stack, MONTH, settings);
  const ingest = stack.client.workflow.getHandle(`${handle.workflowId}-ingest`);
  // Wait until the file's ingest activity has read a good way in.
  for (let tries = 0; tries < 600; tries++) {
    const pending = await ingest
      .describe()
      .then((d) => d.raw.pendingActivities ?? [])
      .catch(() => []);
    if (pending.some((a) => a.activityType?.name === 'ingestFile' && a.heartbeatDetails)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await handle.cancel();
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  // The cancelled activity gives up at its next chunk; give it a moment to clean up, far less than the file takes.
  const root = new URL(store.url).pathname;
  for (let tries = 0; tries < 100 && (await tempFiles(root)).length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await tempFiles(root)).toEqual([]);
  // Had it read on to the end of the file, the part's examples would have been published.
  expect(await listAll(store, `artifacts/${MONTH}/examples/`)).toEqual([]);
});
