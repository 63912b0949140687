// A training worker asked for the GPU on a machine without a usable one refuses to start and names the
// cause, instead of loading the GPU addon and training on the CPU under the GPU's name.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { once } from 'node:events';
import path from 'node:path';
import { expect, inject, it } from 'vitest';
import { probeNvidiaGpu } from '../core/tf/gpu-probe';

// Machines are written as small file trees: the probe reads only /proc, /dev, /etc/ld.so.cache and LD_LIBRARY_PATH.
async function machine(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-gpu-probe-'));
  await fs.mkdir(path.join(root, 'dev'));
  for (const [file, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), text);
  }
  return root;
}

const DRIVER = { '/proc/driver/nvidia/version': 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\n' };

it('names the missing part: driver, device nodes, CUDA library; and finds a machine that has all three', async () => {
  expect(probeNvidiaGpu(await machine({}), '')).toEqual({ usable: false, cause: 'no NVIDIA kernel driver is loaded (/proc/driver/nvidia/version is missing)' });
  expect(probeNvidiaGpu(await machine(DRIVER), '')).toMatchObject({
    usable: false,
    cause: expect.stringMatching(/^the NVIDIA driver is loaded but no \/dev\/nvidiaN device/),
  });
  const withDevice = { ...DRIVER, '/dev/nvidia0': '', '/dev/nvidiactl': '' };
  expect(probeNvidiaGpu(await machine(withDevice), '')).toEqual({ usable: false, cause: 'libcuda.so.1 (the CUDA driver library) is not on the library path' });
  const usable = { driver: 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15', devices: ['/dev/nvidia0'] };
  expect(probeNvidiaGpu(await machine({ ...withDevice, '/etc/ld.so.cache': 'ld.so-1.7.0\0libcuda.so.1\0/usr/lib/x86_64-linux-gnu/libcuda.so.1' }), '')).toEqual(
    { usable: true, ...usable },
  );
  expect(probeNvidiaGpu(await machine({ ...withDevice, '/opt/cuda/lib64/libcuda.so.1': '' }), '/opt/cuda/lib64')).toEqual({ usable: true, ...usable });
});

// What a TF_BACKEND=gpu worker must do depends on the machine, so the real probe decides which promise is checked:
// without a usable GPU (this machine and CI: no driver) it refuses, naming the probe's cause; with one it gets
// past the check and loads the GPU addon under its own name. Either way the test runs.
const probe = probeNvidiaGpu();

it('a TF_BACKEND=gpu worker refuses to start without a usable GPU (one log line naming the cause, exit 1), and loads the GPU addon with one', async () => {
  const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/training-worker.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TF_BACKEND: 'gpu', TEMPORAL_ADDRESS: inject('temporalAddress'), STORAGE_URL: '/nonexistent-bucket' },
  });
  let output = '';
  const loadedLine = new Promise<void>((resolve) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"message":"tensorflow backend"')) resolve();
    };
    worker.stdout.on('data', seen);
    worker.stderr.on('data', seen);
  });
  const exited = once(worker, 'exit') as Promise<[number | null]>;
  if (probe.usable) {
    // A worker that loads goes on to poll Temporal: stop it once it has said which backend it loaded.
    await Promise.race([loadedLine, exited]);
    worker.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('no usable GPU');
    expect(output).toMatch(/"backend":"tensorflow-gpu"/);
    return;
  }
  const [code] = await exited;
  expect(code).toBe(1);
  const refusal = output.split('\n').filter((line) => line.includes('worker could not start'));
  expect(refusal).toHaveLength(1);
  expect(JSON.parse(refusal[0]!)).toMatchObject({
    level: 'error',
    kinds: ['training'],
    error: `TF_BACKEND=gpu but this machine has no usable GPU: ${probe.cause}; set TF_BACKEND=native to train on the CPU`,
  });
  expect(output).not.toMatch(/tensorflow-gpu|\n\s+at /);
});
