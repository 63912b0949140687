// A training worker killed mid-run (SIGKILL: no clean shutdown), right after an epoch's checkpoint, loses
// nothing: the retried attempt, on another worker, resumes from the pointer in the bucket and redoes no epoch.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { monthArtifacts } from '../core/pipeline/layout';
import { getJsonIfExists } from '../core/storage/blob-store';
import type { TrainProgress, TrainResult } from '../activities/train';
import { startMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startTrainingWorker, startWorkers, type TestStack } from './helpers/stack';

const MONTH = '2026-04';
let stack: TestStack;
let store: Awaited<ReturnType<typeof freshGcsStore>>;

beforeAll(async () => {
  store = await freshGcsStore();
  await generateMonth(store, { month: MONTH, impressions: 16_000, ads: 150, files: 2 });
  stack = await startWorkers(store, { training: false });
});
afterAll(async () => stack?.stop());

it('resumes from its checkpoint after the training worker is killed', async () => {
  const root = path.resolve(import.meta.dirname, '..');
  const doomed = spawn(process.execPath, ['--import', 'tsx', 'workers/training-worker.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      STORAGE_URL: store.url,
      GCS_API_ENDPOINT: inject('gcsEndpoint'),
      TRAINING_TASK_QUEUE: stack.queues.training,
    },
  });
  let workerErrors = '';
  doomed.stderr?.on('data', (chunk: Buffer) => {
    workerErrors += chunk.toString();
  });
  const defaults = testSettings(stack);
  // Both phases (linear, then joint) run all their epochs: 3 + 3; the heartbeat timeout is the product's default.
  const settings = testSettings(stack, { training: { ...defaults.training, maxEpochs: 3, patience: 3, batchSize: 256 } });
  expect(settings.trainingHeartbeatTimeoutSeconds).toBe(loadConfig({}).TRAIN_HEARTBEAT_TIMEOUT_SECONDS);
  const handle = await startMonth(stack, MONTH, settings);

  // Kill the moment the bucket's pointer names epoch 2: before any throttled heartbeat can have carried it.
  const pointerKey = monthArtifacts(MONTH).training(0).progress;
  let killedAfter = 0;
  for (let tries = 0; tries < 6000 && killedAfter === 0 && doomed.exitCode === null; tries++) {
    const progress = await getJsonIfExists<TrainProgress>(store, pointerKey);
    if (progress && progress.state.epoch >= 2) {
      doomed.kill('SIGKILL');
      killedAfter = progress.state.epoch;
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(killedAfter, `the training worker never reported epoch 2; its stderr:\n${workerErrors.slice(-2000)}`).toBeGreaterThanOrEqual(2);
  expect(killedAfter).toBeLessThan(6);
  await new Promise((resolve) => doomed.once('exit', resolve));

  const rescuer = await startTrainingWorker(store, stack.queues.training);
  try {
    const run = await handle.result();
    const trained = run.summary.train as TrainResult;
    expect(trained.resumedFromEpoch).toBeGreaterThanOrEqual(killedAfter);
    // Every epoch ran exactly once: the first attempt's up to the checkpoint, the retry's after it.
    expect(trained.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(trained.history.map((h) => h.phase)).toEqual(['linear', 'linear', 'linear', 'joint', 'joint', 'joint']);
    const byAttempt = (attempt: number) => trained.history.filter((h) => h.attempt === attempt).map((h) => h.epoch);
    expect(byAttempt(1)).toEqual(Array.from({ length: trained.resumedFromEpoch }, (_, i) => i + 1));
    expect(byAttempt(2)[0]).toBe(trained.resumedFromEpoch + 1);
    expect(run.stage).toBe('done');
  } finally {
    await rescuer.stop();
  }
});
