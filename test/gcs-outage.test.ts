// The bucket unreachable in the middle of a month's training, with the product's default retry policies and
// GCS_STALL_SECONDS: once with its API stopped for 20 s (connections dropped), once with every connection
// frozen for 40 s (open, nothing forwarded, as in a network partition, where requests wait instead of failing).
// Each run finishes, training resumes from its last checkpoint instead of starting again, and the candidate is
// registered once. The GCS API is the test's own fake-gcs-server on a file backend behind a proxy that can
// freeze, so it comes back with its objects, like the service after a blip.
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

let gcs: OwnGcs;
let store: GcsStore;
let stack: TestStack;

beforeAll(async () => {
  gcs = await startOwnGcs('gcs-outage');
  store = await gcs.store('outage');
  for (const month of ['2026-05', '2026-06']) await generateMonth(store, { month, impressions: 16_000, ads: 150, files: 2 });
  stack = await startWorkers(store);
});
afterAll(async () => {
  await stack?.stop();
  await gcs?.remove();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('finishes the month when the bucket is down for 20 s during training, resuming training from its last checkpoint', { timeout: 600_000 }, async () => {
  const retried = await runThroughOutage('2026-05', async () => {
    await gcs.stop();
    await pause(20_000);
    await gcs.start();
  });
  // Through the helper's proxy a stopped server is a dropped connection (socket hang up, reset), not a refused one.
  expect(
    retried.every((r) => /ECONNREFUSED|ECONNRESET|socket hang up/.test(r.lastFailure)),
    JSON.stringify(retried),
  ).toBe(true);
});

it(
  'finishes the month when every connection to the bucket is frozen for 40 s during training: the stalled requests fail instead of holding the worker',
  { timeout: 600_000 },
  async () => {
    const retried = await runThroughOutage('2026-06', async () => {
      gcs.freeze();
      await pause(40_000);
      gcs.thaw();
    });
    // Without the stall guards the first attempt waits for ever on its frozen request, holding the training worker's one slot.
    expect(
      retried.some((r) => /no bytes|no answer|network timeout|timed out/i.test(r.lastFailure)),
      JSON.stringify(retried),
    ).toBe(true);
  },
);

/** Runs the month, with the outage once its first epoch is in the bucket; checks what every outage must leave true. */
async function runThroughOutage(month: string, outage: () => Promise<void>) {
  const defaults = testSettings(stack);
  // 4 linear + 4 joint epochs of small batches, so training outlasts the moment the outage begins.
  const settings = testSettings(stack, { training: { ...defaults.training, maxEpochs: 4, patience: 4, batchSize: 128 } });
  const handle = await startMonth(stack, month, settings);
  const model = monthArtifacts(month).training(0);
  await waitFor('the first epoch', async () => ((await getJsonIfExists<TrainProgress>(store, model.progress))?.state.epoch ?? 0) >= 1, 300_000);
  await outage();

  const run = await handle.result();
  expect(run.stage).toBe('done');
  const trained = run.summary.train as TrainResult;
  // Every epoch is in the history once; those before the outage were not trained again.
  expect(trained.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(trained.history[0]!.attempt).toBe(1);
  expect(trained.history.at(-1)!.attempt).toBeGreaterThan(1);
  const retried = await retriedAttempts(handle);
  expect(retried.map((r) => r.activity)).toContain('trainModel');
  // The candidate was registered once, whatever the blessing decided.
  expect((await new ModelRegistry(store).list()).filter((v) => v.metadata.dataMonth === month)).toHaveLength(1);
  return retried;
}

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
