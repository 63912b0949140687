// A worker process started with WORKER_METRICS_ADDRESS serves the Temporal SDK's metrics for Prometheus,
// and the pipeline's own (rows ingested by outcome, from a month it ingests here); its logs (the SDK's
// included) are one JSON line per event.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { expect, inject, it } from 'vitest';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { pipelineSettings } from '../core/pipeline/settings';
import { LocalStore } from '../core/storage/local-store';
import { freePort } from '../devstack/processes';
import { ingestMonth } from '../workflows/ingest-month';

it('serves temporal_* metrics at the configured address while it polls, and stops with SIGTERM', async () => {
  const root = path.resolve(import.meta.dirname, '..');
  const bucket = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-worker-metrics-'));
  const address = `127.0.0.1:${await freePort()}`;
  const month = '2026-03';
  await generateMonth(new LocalStore(bucket), { month, impressions: 3000, ads: 30, files: 1, dirt: { malformedRows: 0.01 } });
  const taskQueue = `metrics-${randomUUID()}`;
  const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/pipeline-worker.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      STORAGE_URL: bucket,
      GCS_API_ENDPOINT: '',
      PIPELINE_TASK_QUEUE: taskQueue,
      WORKER_METRICS_ADDRESS: address,
    },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  worker.stdout.on('data', collect);
  worker.stderr.on('data', collect);
  try {
    const polling = /^temporal_num_pollers\{.*poller_type="workflow_task".*\} \d+$/m;
    let metrics = '';
    for (let tries = 0; tries < 120 && !polling.test(metrics); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      metrics = await fetch(`http://${address}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
    }
    expect(metrics).toMatch(polling);
    expect(metrics).toMatch(/^temporal_request_total\{.*\} \d+$/m);

    const client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    const summary = await client.workflow.execute(ingestMonth, {
      taskQueue,
      workflowId: `metrics-ingest-${randomUUID()}`,
      args: [{ month, ingest: pipelineSettings(loadConfig(), 'test').ingest }],
    });
    await client.connection.close();
    expect(summary.quarantined).toBeGreaterThan(0);
    metrics = await fetch(`http://${address}/metrics`).then((r) => r.text());
    const rows = (outcome: string) =>
      [...metrics.matchAll(new RegExp(`^\\w*adclick_ingest_rows\\w*\\{(.*)\\} (\\d+)$`, 'gm'))]
        .filter((m) => m[1]!.includes(`outcome="${outcome}"`) && m[1]!.includes(`month="${month}"`))
        .reduce((total, m) => total + Number(m[2]), 0);
    expect(
      rows('accepted'),
      metrics
        .split('\n')
        .filter((l) => l.includes('adclick'))
        .join('\n'),
    ).toBe(summary.accepted);
    expect(rows('quarantined')).toBe(summary.quarantined);
  } finally {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
    await fs.rm(bucket, { recursive: true, force: true });
  }
  const sdkLines = output.split('\n').filter((line) => line.includes('Worker state changed'));
  expect(sdkLines.length).toBeGreaterThan(0);
  for (const line of sdkLines) expect(JSON.parse(line)).toMatchObject({ level: 'info', message: 'Worker state changed' });
}, 120_000);
