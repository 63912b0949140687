// Workers run with two malloc arenas (workers/malloc-arenas.ts): the npm launchers set it, a worker says in
// its start-up line what it runs with, and one started without it warns. Compose and the GPU image are
// checked in docker-compose.test.ts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect, inject, it } from 'vitest';
import { mallocArenasWarning, WORKER_MALLOC_ARENAS } from '../workers/malloc-arenas';

const root = path.resolve(import.meta.dirname, '..');

/** Starts a pipeline worker with `command` in its own process group, returns its log once it polls, and stops it. */
async function startUpLog(command: string[]): Promise<string> {
  const bucket = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-arenas-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    STORAGE_URL: bucket,
    GCS_API_ENDPOINT: '',
    PIPELINE_TASK_QUEUE: `arenas-${randomUUID()}`,
  };
  delete env.MALLOC_ARENA_MAX;
  const worker = spawn(command[0]!, command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const running = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('workers running')) resolve();
    };
    worker.stdout.on('data', collect);
    worker.stderr.on('data', collect);
    worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${output}`)));
  });
  try {
    await running;
    return output;
  } finally {
    // The whole group: npm's sh wrapper does not pass SIGTERM on.
    process.kill(-worker.pid!, 'SIGTERM');
    if (worker.exitCode === null) await once(worker, 'exit');
    await fs.rm(bucket, { recursive: true, force: true });
  }
}

const startLine = (log: string) => JSON.parse(log.split('\n').find((line) => line.includes('"workers running"'))!) as { mallocArenas?: string };

it('npm run worker starts the worker with two malloc arenas, and it says so', async () => {
  const log = await startUpLog(['npm', 'run', '--silent', 'worker']);
  expect(startLine(log).mallocArenas).toBe(WORKER_MALLOC_ARENAS);
  expect(log).not.toContain('MALLOC_ARENA_MAX is unset');
}, 120_000);

it('a worker started without the setting warns, naming it', async () => {
  const log = await startUpLog([process.execPath, '--import', 'tsx', 'workers/pipeline-worker.ts']);
  expect(startLine(log).mallocArenas).toBe('glibc default');
  expect(log).toContain(`MALLOC_ARENA_MAX is unset`);
  expect(log).toContain(`MALLOC_ARENA_MAX=${WORKER_MALLOC_ARENAS}`);
}, 120_000);

it('every npm script that starts workers sets it, leaving an operator value alone', async () => {
  const { scripts } = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const name of ['start', 'worker', 'worker:train'])
    expect(scripts[name], name).toContain(`MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-${WORKER_MALLOC_ARENAS}}`);
});

it('warns only on Linux and only when unset', () => {
  expect(mallocArenasWarning({}, 'linux')).toMatch(/MALLOC_ARENA_MAX is unset/);
  expect(mallocArenasWarning({ MALLOC_ARENA_MAX: '4' }, 'linux')).toBeUndefined();
  expect(mallocArenasWarning({}, 'darwin')).toBeUndefined();
});
