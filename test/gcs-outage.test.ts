// The bucket's API down for 20 s in the middle of a month's training, with the product's default retry
// policies: the run still finishes and promotes, and training resumes from its last checkpoint instead of
// starting again. The GCS API is its own fake-gcs-server on a file backend, so it comes
// back with its objects, like the real service after a blip.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrainProgress, TrainResult } from '../activities/train';
import { ModelRegistry } from '../core/registry/model-registry';
import { generateMonth } from '../core/datagen/generate-month';
import { monthArtifacts } from '../core/pipeline/layout';
import { getJsonIfExists } from '../core/storage/blob-store';
import type { GcsStore } from '../core/storage/gcs-store';
import { startMonth, testSettings } from './helpers/pipeline';
import { startOwnGcs, type OwnGcs } from './helpers/own-gcs';
import { startWorkers, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait-for';

const MONTH = '2026-05';
const OUTAGE_MS = 20_000;
let gcs: OwnGcs;
let store: GcsStore;
let stack: TestStack;

beforeAll(async () => {
  gcs = await startOwnGcs('gcs-outage');
  store = await gcs.store('outage');
  await generateMonth(store, { month: MONTH, impressions: 16_000, ads: 150, files: 2 });
  stack = await startWorkers(store);
});
afterAll(async () => {
  await stack?.stop();
  await gcs?.remove();
});

it('finishes the month when the bucket is down for 20 s during training, resuming training from its last checkpoint', { timeout: 600_000 }, async () => {
  const defaults = testSettings(stack);
  // 4 linear + 4 joint epochs of small batches, so training outlasts the moment the bucket goes down; the retry
  // policies are the product's defaults.
  const settings = testSettings(stack, { training: { ...defaults.training, maxEpochs: 4, patience: 4, batchSize: 128 } });
  const handle = await startMonth(stack, MONTH, settings);
  const model = monthArtifacts(MONTH).training(0);
  await waitFor('the first epoch', async () => ((await getJsonIfExists<TrainProgress>(store, model.progress))?.state.epoch ?? 0) >= 1, 300_000);
  await gcs.stop();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await gcs.start();

  const run = await handle.result();
  expect(run.stage).toBe('done');
  const trained = run.summary.train as TrainResult;
  // Every epoch is in the history once; those before the outage were not trained again.
  expect(trained.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(trained.history[0]!.attempt).toBe(1);
  expect(trained.history.at(-1)!.attempt).toBeGreaterThan(1);
  const retried = await retriedAttempts(handle);
  expect(retried.map((r) => r.activity)).toContain('trainModel');
  // Through the helper's proxy a stopped server is a dropped connection (socket hang up, reset), not a refused one.
  expect(
    retried.every((r) => /ECONNREFUSED|ECONNRESET|socket hang up/.test(r.lastFailure)),
    JSON.stringify(retried),
  ).toBe(true);
  // The candidate was registered once, whatever the blessing decided.
  expect((await new ModelRegistry(store).list()).map((v) => v.version)).toEqual([1]);
});

/** The activities that needed more than one attempt, with the failure of the attempt before their last. */
async function retriedAttempts(handle: Awaited<ReturnType<typeof startMonth>>): Promise<{ activity: string; attempt: number; lastFailure: string }[]> {
  const history = await handle.fetchHistory();
  const names = new Map<string, string>();
  const retried: { activity: string; attempt: number; lastFailure: string }[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) names.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    const started = event.activityTaskStartedEventAttributes;
    if (started && (started.attempt ?? 1) > 1)
      retried.push({ activity: names.get(String(started.scheduledEventId))!, attempt: started.attempt!, lastFailure: started.lastFailure?.message ?? '' });
  }
  return retried;
}
