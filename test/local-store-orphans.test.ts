// A writer SIGKILLed mid-write leaves its temp file behind (nothing can run in its process to remove it);
// the sweep a worker runs at start removes it, and leaves a live writer's temp file alone.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { listAll } from '../core/storage/blob-store';
import { LocalStore } from '../core/storage/local-store';

const root = path.join(import.meta.dirname, '..');

function startWriter(dir: string, key: string): { child: ChildProcess; writing: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/processes/write-forever.ts', dir, key], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const writing = new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve()));
  return { child, writing };
}

async function tempFiles(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir, { recursive: true });
  return names.filter((name) => name.includes('.tmp-')).sort();
}

it('removes the temp files of a writer that was killed, keeps those of a live one, and lists neither', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-orphans-'));
  const killed = startWriter(dir, 'artifacts/2026-10/examples/part-00000.jsonl.gz');
  const live = startWriter(dir, 'artifacts/2026-10/examples/part-00001.jsonl.gz');
  try {
    await Promise.all([killed.writing, live.writing]);
    killed.child.kill('SIGKILL');
    await once(killed.child, 'exit');
    expect(await tempFiles(dir)).toHaveLength(2);
    const store = new LocalStore(dir);
    expect(await listAll(store, 'artifacts/')).toEqual([]);

    expect(await store.sweepOrphanedTemporaries()).toBe(1);
    const left = await tempFiles(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(`part-00001.jsonl.gz.tmp-${live.child.pid}-`);
  } finally {
    live.child.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
  }
});
