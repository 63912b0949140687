// BlobStore over a local directory, so a laptop needs no GCS at all. Writes are atomic (temp file +
// rename) and compare-and-swap writes hold a per-object lock file.
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { BlobNotFoundError, PreconditionFailedError, relabelStreamErrors, type BlobInfo, type BlobStore, type PutOptions } from './blob-store';

const LOCK_STALE_MS = 30_000;
const TEMP_MARKER = '.tmp-';
// A temp file names its writer's pid, so a sweep can tell a killed writer's leftovers from a live write.
const TEMP_PATTERN = /\.tmp-(?:(\d+)-)?[0-9a-f-]{36}$/;
// Temp files of the older, pid-less naming are removed once they are this old.
const UNOWNED_TEMP_STALE_MS = 60 * 60_000;

export class LocalStore implements BlobStore {
  readonly url: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.url = `file://${this.root}`;
  }

  async put(key: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<BlobInfo> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}${TEMP_MARKER}${process.pid}-${randomUUID()}`;
    const source = body instanceof Readable ? body : Readable.from([typeof body === 'string' ? Buffer.from(body) : body]);
    try {
      // A failed or aborted write removes its temp file (finally) and never reaches the key.
      await pipeline(source, createWriteStream(temp));
      if (options.ifGeneration === undefined) await fs.rename(temp, target);
      else
        await this.withLock(target, async () => {
          const current = (await this.stat(key))?.generation ?? '0';
          if (current !== options.ifGeneration) throw new PreconditionFailedError(this.keyUrl(key), options.ifGeneration!);
          await fs.rename(temp, target);
        });
    } finally {
      await fs.rm(temp, { force: true });
    }
    const info = await this.stat(key);
    if (!info) throw new Error(`Write to ${this.keyUrl(key)} vanished`);
    return info;
  }

  getStream(key: string): Readable {
    const source = createReadStream(this.pathOf(key));
    const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
    return relabelStreamErrors(source, (error) => (missing(error) ? new BlobNotFoundError(this.keyUrl(key)) : undefined));
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(this.keyUrl(key));
      throw error;
    }
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const stats = await fs.stat(this.pathOf(key), { bigint: true });
      // A rename gives the object a new inode, so inode plus change time identifies one write.
      return { key, size: Number(stats.size), generation: `${stats.ino}${stats.ctimeNs}` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const keys: string[] = [];
    await this.collect(this.root, prefix, keys);
    keys.sort();
    for (const key of keys) {
      const info = await this.stat(key);
      if (info) yield info;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  /** Removes temp files whose writer is gone (a SIGKILLed worker cannot clean up after itself); returns how many. */
  async sweepOrphanedTemporaries(dir = this.root): Promise<number> {
    let removed = 0;
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) removed += await this.sweepOrphanedTemporaries(full);
      else if (await isOrphanedTemporary(full, entry.name)) {
        await fs.rm(full, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private async collect(dir: string, prefix: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const key = path.relative(this.root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        // Only descend where the prefix can still match.
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) await this.collect(full, prefix, keys);
      } else if (key.startsWith(prefix) && !entry.name.includes(TEMP_MARKER) && !entry.name.endsWith('.lock')) {
        keys.push(key);
      }
    }
  }

  private async withLock(target: string, critical: () => Promise<void>): Promise<void> {
    const lock = `${target}.lock`;
    for (;;) {
      try {
        const handle = await fs.open(lock, 'wx');
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = Date.now() - (await fs.stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > LOCK_STALE_MS) await fs.rm(lock, { force: true });
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    try {
      await critical();
    } finally {
      await fs.rm(lock, { force: true });
    }
  }

  private pathOf(key: string): string {
    const resolved = path.resolve(this.root, key);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`Key ${JSON.stringify(key)} escapes the store`);
    return resolved;
  }

  private keyUrl(key: string): string {
    return `${this.url}/${key}`;
  }
}

async function isOrphanedTemporary(file: string, name: string): Promise<boolean> {
  const match = TEMP_PATTERN.exec(name);
  if (!match) return false;
  if (match[1] === undefined) return Date.now() - (await fs.stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > UNOWNED_TEMP_STALE_MS;
  return !processAlive(Number(match[1]));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
