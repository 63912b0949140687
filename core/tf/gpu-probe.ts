// Whether this machine has a GPU TensorFlow can use, checked before loading the GPU addon: without one
// tfjs-node-gpu loads anyway and trains on the CPU while calling itself tensorflow-gpu.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type GpuProbe = { usable: true; driver: string; devices: string[] } | { usable: false; cause: string };

const DRIVER_FILE = '/proc/driver/nvidia/version';
const CUDA_DRIVER_LIBRARY = 'libcuda.so.1';

/** `root` is where the system's /proc, /dev and /etc are: `/` but in tests of machines this one is not. */
export function probeNvidiaGpu(root = '/', libraryPath = process.env.LD_LIBRARY_PATH ?? ''): GpuProbe {
  const at = (file: string) => path.join(root, file);
  if (!existsSync(at(DRIVER_FILE))) return { usable: false, cause: `no NVIDIA kernel driver is loaded (${DRIVER_FILE} is missing)` };
  const driver = readFileSync(at(DRIVER_FILE), 'utf8').split('\n')[0]!.trim();
  const devices = readdirSync(at('/dev'))
    .filter((name) => /^nvidia\d+$/.test(name))
    .map((name) => `/dev/${name}`);
  if (devices.length === 0) {
    return {
      usable: false,
      cause:
        'the NVIDIA driver is loaded but no /dev/nvidiaN device is visible (in a container: run it with the NVIDIA Container Toolkit and a GPU reservation)',
    };
  }
  if (!cudaDriverLibraryFound(root, libraryPath))
    return { usable: false, cause: `${CUDA_DRIVER_LIBRARY} (the CUDA driver library) is not on the library path` };
  return { usable: true, driver, devices };
}

// The dynamic linker's cache names every library it can find; LD_LIBRARY_PATH adds directories.
function cudaDriverLibraryFound(root: string, libraryPath: string): boolean {
  const cache = path.join(root, 'etc/ld.so.cache');
  if (existsSync(cache) && readFileSync(cache).includes(CUDA_DRIVER_LIBRARY)) return true;
  return libraryPath
    .split(':')
    .filter(Boolean)
    .some((dir) => existsSync(path.join(root, dir, CUDA_DRIVER_LIBRARY)));
}
