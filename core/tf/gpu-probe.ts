// Whether this machine has a GPU TensorFlow can use, checked before loading the GPU addon: without one
// tfjs-node-gpu loads anyway and trains on the CPU while calling itself tensorflow-gpu.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export type GpuProbe = { usable: true; driver: string; devices: string[] } | { usable: false; cause: string };

const DRIVER_FILE = '/proc/driver/nvidia/version';

export function probeNvidiaGpu(): GpuProbe {
  if (!existsSync(DRIVER_FILE)) return { usable: false, cause: `no NVIDIA kernel driver is loaded (${DRIVER_FILE} is missing)` };
  const driver = readFileSync(DRIVER_FILE, 'utf8').split('\n')[0]!.trim();
  const devices = readdirSync('/dev').filter((name) => /^nvidia\d+$/.test(name)).map((name) => `/dev/${name}`);
  if (devices.length === 0) {
    return { usable: false, cause: 'the NVIDIA driver is loaded but no /dev/nvidiaN device is visible (in a container: run it with the NVIDIA Container Toolkit and a GPU reservation)' };
  }
  if (!cudaDriverLibraryFound()) return { usable: false, cause: 'libcuda.so.1 (the CUDA driver library) is not on the library path' };
  return { usable: true, driver, devices };
}

function cudaDriverLibraryFound(): boolean {
  const cache = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (cache.status === 0 && cache.stdout.includes('libcuda.so.1')) return true;
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return dirs.some((dir) => existsSync(`${dir}/libcuda.so.1`));
}
