// Temporal down for a minute, from mid-training to past its end, with the default heartbeat timeout and
// retries: the epochs trained during the outage are not redone, and a training that finished while its
// completion could not reach Temporal is not trained again (the retry returns the report in the bucket).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrainProgress, TrainResult } from '../activities/train';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { monthArtifacts } from '../core/pipeline/layout';
import { getJsonIfExists } from '../core/storage/blob-store';
import { freePort } from '../devstack/processes';
import { startTemporalDevServer, type TemporalDevServer } from '../devstack/temporal-dev-server';
import { startMonth, testSettings } from './helpers/pipeline';
import { waitFor } from './helpers/wait-for';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

const MONTH = '2026-05';
const OUTAGE_MS = 60_000;
let dir: string;
let port: number;
let temporal: TemporalDevServer;
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;

// Its own Temporal server, kept in a file so that it comes back with its state, like a real one.
const startTemporal = () => startTemporalDevServer({ port, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-outage-'));
  port = await freePort();
  temporal = await startTemporal();
  store = await freshGcsStore();
  await generateMonth(store, { month: MONTH, impressions: 16_000, ads: 150, files: 2 });
  stack = await startWorkers(store, { temporalAddress: temporal.address });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it('loses no epoch and does not train again when Temporal is down from mid-training to past its end', { timeout: 600_000 }, async () => {
  const defaults = testSettings(stack);
  // 3 linear + 3 joint epochs; the heartbeat timeout and the retry policy are the product's defaults.
  const settings = testSettings(stack, { training: { ...defaults.training, maxEpochs: 3, patience: 3, batchSize: 256 } });
  expect(settings.trainingHeartbeatTimeoutSeconds).toBe(loadConfig({}).TRAIN_HEARTBEAT_TIMEOUT_SECONDS);
  const handle = await startMonth(stack, MONTH, settings);
  const model = monthArtifacts(MONTH).training(0);
  const baseline = monthArtifacts(MONTH).training('baseline');

  await waitFor('the first epoch', async () => ((await getJsonIfExists<TrainProgress>(store, model.progress))?.state.epoch ?? 0) >= 1, 300_000);
  await temporal.stop();
  const downAt = Date.now();
  const pointerAtOutage = (await getJsonIfExists<TrainProgress>(store, model.progress))!.state.epoch;

  // Training goes on without Temporal and finishes; its completion cannot be delivered.
  const report = await waitFor('the training report', () => store.stat(model.report), OUTAGE_MS - 5_000);
  expect(Date.now() - downAt, 'training outlasted the outage: the test would not cover its end').toBeLessThan(OUTAGE_MS);
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - downAt)));
  // The baseline shares the training worker: it finished before the outage, during it, or has yet to start.
  const baselineReport = await store.stat(baseline.report);
  temporal = await startTemporal();

  const run = await handle.result();
  const trained = run.summary.train as TrainResult;
  expect(run.stage).toBe('done');
  expect(pointerAtOutage).toBeLessThan(6);
  // Every epoch ran exactly once, in the first attempt: the outage cost none.
  expect(trained.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(trained.history.every((h) => h.attempt === 1)).toBe(true);
  // The training was not redone: its report is the object written during the outage.
  expect((await store.stat(model.report))?.generation).toBe(report.generation);
  if (baselineReport) expect((await store.stat(baseline.report))?.generation).toBe(baselineReport.generation);

  // The finished attempt's completion was lost (the server timed it out): the retry is what returned the report.
  const attempts = await trainingAttempts(handle);
  expect(attempts.trainModel, `training attempts: ${JSON.stringify(attempts)}`).toBeGreaterThanOrEqual(2);
});

/** How many attempts each training activity took, from the run's history. */
async function trainingAttempts(handle: Awaited<ReturnType<typeof startMonth>>): Promise<Record<string, number>> {
  const history = await handle.fetchHistory();
  const names = new Map<string, string>();
  const attempts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name?.startsWith('train')) names.set(String(event.eventId), scheduled.activityType.name);
    const started = event.activityTaskStartedEventAttributes;
    const name = started && names.get(String(started.scheduledEventId));
    if (name) attempts[name] = Math.max(attempts[name] ?? 0, started.attempt ?? 1);
  }
  return attempts;
}
