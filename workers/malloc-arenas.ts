// glibc gives threads that allocate their own malloc arenas (up to 8 per core) and keeps freed memory in
// each; a worker's zlib, TensorFlow and libuv threads then hold more the more activities run at once.
// With 2 arenas a pipeline worker's peak RSS grew 1.11× from a 1M to a 5M month instead of 1.21×
// (bench/scale-benchmark.ts). glibc reads the setting only at process start, so launchers set it.
export const WORKER_MALLOC_ARENAS = '2';

/** A warning for the start-up log when this worker runs without the launchers' arena setting, else undefined. */
export function mallocArenasWarning(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux' || env.MALLOC_ARENA_MAX !== undefined) return undefined;
  return (
    "MALLOC_ARENA_MAX is unset: glibc's default arenas let a worker's memory grow with the work in flight; " +
    `start workers with MALLOC_ARENA_MAX=${WORKER_MALLOC_ARENAS} (npm run worker, docker-compose.yml and the GPU image do)`
  );
}
