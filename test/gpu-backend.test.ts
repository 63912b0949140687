// A training worker asked for the GPU on a machine without a usable one refuses to start and names the
// cause, instead of loading the GPU addon and training on the CPU under the GPU's name.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { expect, inject, it } from 'vitest';
import { probeNvidiaGpu } from '../core/tf/gpu-probe';

const hasNvidiaDriver = existsSync('/proc/driver/nvidia/version');

it.skipIf(hasNvidiaDriver)('finds no usable GPU here and says which part is missing', () => {
  expect(probeNvidiaGpu()).toEqual({ usable: false, cause: 'no NVIDIA kernel driver is loaded (/proc/driver/nvidia/version is missing)' });
});

it.skipIf(hasNvidiaDriver)('refuses to start a TF_BACKEND=gpu worker without a GPU, in one log line, exit 1', async () => {
  const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/training-worker.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TF_BACKEND: 'gpu', TEMPORAL_ADDRESS: inject('temporalAddress'), STORAGE_URL: '/nonexistent-bucket' },
  });
  let output = '';
  worker.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  worker.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const [code] = (await once(worker, 'exit')) as [number];
  expect(code).toBe(1);
  const refusal = output.split('\n').filter((line) => line.includes('worker could not start'));
  expect(refusal).toHaveLength(1);
  expect(JSON.parse(refusal[0]!)).toMatchObject({
    level: 'error', kinds: ['training'],
    error: 'TF_BACKEND=gpu but this machine has no usable GPU: no NVIDIA kernel driver is loaded (/proc/driver/nvidia/version is missing); set TF_BACKEND=native to train on the CPU',
  });
  expect(output).not.toMatch(/tensorflow-gpu|\n\s+at /);
});
