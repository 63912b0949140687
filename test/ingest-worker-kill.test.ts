// A pipeline worker SIGKILLed mid-ingest, with the default timeouts: the parts it had finished are not
// redone, the ones it was working on are retried on another worker once their heartbeats stop, the counts
// are exact, and the temp files of its half-written objects are gone once the new worker starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { decodeTimeoutType } from '@temporalio/common';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { generateMonth, type GeneratedMonthSummary } from '../core/datagen/generate-month';
import { monthArtifacts } from '../core/pipeline/layout';
import { listAll } from '../core/storage/blob-store';
import { readJsonLines } from '../core/storage/lines';
import type { LocalStore } from '../core/storage/local-store';
import { ingestMonth } from '../workflows/ingest-month';
import { freshLocalStore } from './helpers/stack';

const MONTH = '2026-06';
const ROWS = 60_000;
const root = path.resolve(import.meta.dirname, '..');
const queue = `pipeline-${randomUUID()}`;
let store: LocalStore;
let storeDir: string;
let generated: GeneratedMonthSummary;
let client: Client;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  store = await freshLocalStore();
  storeDir = new URL(store.url).pathname;
  generated = await generateMonth(store, { month: MONTH, impressions: ROWS, ads: 200, files: 2, dirt: { malformedRows: 0.01, outOfRangeRows: 0.01 } });
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await client?.connection.close();
});

/** A pipeline worker process as production runs it (its start sweeps orphaned temp files). */
function startPipelineWorker(): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/pipeline-worker.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), STORAGE_URL: store.url, PIPELINE_TASK_QUEUE: queue },
  });
  workers.push(child);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('workers running')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`pipeline worker exited (${code}) before running:\n${output.slice(-2000)}`)));
  });
  return { child, ready };
}

async function tempFiles(): Promise<string[]> {
  return (await fs.readdir(storeDir, { recursive: true })).filter((name) => name.includes('.tmp-'));
}

it('redoes only the unfinished parts after the pipeline worker is killed mid-ingest, exactly and without orphans', { timeout: 400_000 }, async () => {
  const doomed = startPipelineWorker();
  await doomed.ready;
  const handle = await client.workflow.start(ingestMonth, {
    taskQueue: queue,
    workflowId: `ingest-kill-${queue}`,
    args: [{ month: MONTH, ingest: { splitBytes: 1, rowsPerPart: 6000 } }],
  });

  // Kill while a part is half-written; the parts finished by then must not run again.
  const examples = monthArtifacts(MONTH).examplesPrefix;
  let finishedAtKill = new Map<string, string>();
  let orphansAtKill = 0;
  for (let tries = 0; tries < 60_000; tries++) {
    // Kill the moment a part's examples shard is half-written: that ingestFile activity is in flight.
    const open = await tempFiles();
    if (open.some((name) => name.includes('/examples/'))) {
      doomed.child.kill('SIGKILL');
      const done = await listAll(store, examples);
      finishedAtKill = new Map(done.map((object) => [object.key, object.generation]));
      orphansAtKill = open.length;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(orphansAtKill, 'the worker was never caught with a part half-written').toBeGreaterThan(0);
  await once(doomed.child, 'exit');
  const killedAt = Date.now();

  const rescuer = startPipelineWorker();
  await rescuer.ready;
  const summary = await handle.result();

  // Counts exact: every record read once, accepted or quarantined, nothing doubled by the retries.
  const bad = generated.dirt.malformedRows.total + generated.dirt.outOfRangeRows.total;
  expect(summary).toMatchObject({ files: 2, rows: ROWS, accepted: ROWS - bad, quarantined: bad });
  let examplesRead = 0;
  for (const key of summary.examples ?? []) for await (const example of readJsonLines(store, key)) examplesRead += example ? 1 : 0;
  expect(examplesRead).toBe(ROWS - bad);

  // The parts finished before the kill ran once and their shards are the ones written then.
  const parts = await partAttempts(handle);
  expect(parts.length).toBe(summary.parts);
  const finishedBefore = parts.filter((p) => p.completedAt < killedAt);
  const redone = parts.filter((p) => p.attempt > 1);
  expect(redone.length, 'no part was in flight when the worker died').toBeGreaterThan(0);
  for (const part of finishedBefore) expect(part.attempt).toBe(1);
  for (const [key, generation] of finishedAtKill) if (!redone.some((p) => p.examplesKey === key)) expect((await store.stat(key))?.generation).toBe(generation);
  // The dead worker was noticed by its stopped heartbeats (seconds), not by the 30-minute start-to-close timeout.
  for (const part of redone) expect(part.lastTimeout).toBe('HEARTBEAT');

  expect(await tempFiles(), `orphaned temp files (there were ${orphansAtKill} at the kill)`).toEqual([]);
  rescuer.child.kill('SIGTERM');
  await once(rescuer.child, 'exit');
});

interface PartAttempt {
  examplesKey: string;
  attempt: number;
  completedAt: number;
  lastTimeout?: string;
}

/** Each ingestFile activity's final attempt, completion time and the timeout that ended its previous attempt. */
async function partAttempts(handle: Awaited<ReturnType<Client['workflow']['start']>>): Promise<PartAttempt[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, number>();
  const started = new Map<string, { attempt: number; lastTimeout?: string }>();
  const parts: PartAttempt[] = [];
  for (const event of events) {
    const id = String(event.eventId);
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule?.activityType?.name === 'ingestFile') {
      const input = JSON.parse(Buffer.from(schedule.input!.payloads![0]!.data!).toString()) as { part: number };
      scheduled.set(id, input.part);
    }
    const start = event.activityTaskStartedEventAttributes;
    if (start && scheduled.has(String(start.scheduledEventId))) {
      const timeout = start.lastFailure?.timeoutFailureInfo?.timeoutType;
      started.set(String(start.scheduledEventId), { attempt: start.attempt ?? 1, lastTimeout: decodeTimeoutType(timeout) });
    }
    const complete = event.activityTaskCompletedEventAttributes;
    if (complete && scheduled.has(String(complete.scheduledEventId))) {
      const part = scheduled.get(String(complete.scheduledEventId))!;
      const attempt = started.get(String(complete.scheduledEventId))!;
      const seconds = Number(event.eventTime!.seconds) + (event.eventTime!.nanos ?? 0) / 1e9;
      parts.push({ examplesKey: monthArtifacts(MONTH).examples(part), completedAt: seconds * 1000, ...attempt });
    }
  }
  return parts;
}
