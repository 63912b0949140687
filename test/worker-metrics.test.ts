// A worker process started with WORKER_METRICS_ADDRESS serves the Temporal SDK's metrics for Prometheus,
// and its logs (the SDK's included) are one JSON line per event.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { expect, inject, it } from 'vitest';
import { freePort } from '../devstack/processes';

it('serves temporal_* metrics at the configured address while it polls, and stops with SIGTERM', async () => {
  const root = path.resolve(import.meta.dirname, '..');
  const bucket = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-worker-metrics-'));
  const address = `127.0.0.1:${await freePort()}`;
  const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/pipeline-worker.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), STORAGE_URL: bucket, GCS_API_ENDPOINT: '',
      PIPELINE_TASK_QUEUE: `metrics-${randomUUID()}`, WORKER_METRICS_ADDRESS: address,
    },
  });
  let output = '';
  const collect = (chunk: Buffer) => { output += chunk.toString(); };
  worker.stdout.on('data', collect);
  worker.stderr.on('data', collect);
  try {
    const polling = /^temporal_num_pollers\{.*poller_type="workflow_task".*\} \d+$/m;
    let metrics = '';
    for (let tries = 0; tries < 120 && !polling.test(metrics); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      metrics = await fetch(`http://${address}/metrics`).then((r) => r.text(), () => '');
    }
    expect(metrics).toMatch(polling);
    expect(metrics).toMatch(/^temporal_request_total\{.*\} \d+$/m);
  } finally {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
    await fs.rm(bucket, { recursive: true, force: true });
  }
  const sdkLines = output.split('\n').filter((line) => line.includes('Worker state changed'));
  expect(sdkLines.length).toBeGreaterThan(0);
  for (const line of sdkLines) expect(JSON.parse(line)).toMatchObject({ level: 'info', message: 'Worker state changed' });
}, 120_000);
