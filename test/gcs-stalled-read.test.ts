// Reads from a GCS API that goes away in the middle of a body: the client library's stream then neither ends
// nor errors, so without a guard an ingest, a transform or a model load waits forever. The guard fails such a
// read with its own reason after GCS_READ_STALL_SECONDS (its default here), and never fails a reader that is
// merely slow. A real fake-gcs-server on a file backend, stopped mid-read and started again.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../core/config';
import { BlobNotFoundError } from '../core/storage/blob-store';
import { DEFAULT_READ_STALL_MS, GcsStore } from '../core/storage/gcs-store';
import { StalledReadError } from '../core/storage/stall-guard';
import { startFakeGcsServer, type FakeGcsServer } from '../devstack/fake-gcs-server';
import { freePort } from '../devstack/processes';

const BIG = 'big.csv';
let dir: string;
let port: number;
let gcs: FakeGcsServer;
let body: Buffer;

const startGcs = () => startFakeGcsServer({ port, dataDir: path.join(dir, 'objects'), logFile: path.join(dir, 'gcs.log') });
const storeWith = (readStallMs?: number) => new GcsStore({ bucket: 'stalls', apiEndpoint: gcs.endpoint, projectId: 'adclick-test', readStallMs });
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-stalled-read-'));
  await fs.mkdir(path.join(dir, 'objects'));
  port = await freePort();
  gcs = await startGcs();
  const store = storeWith();
  await store.ensureBucket();
  // Far more than the sockets between the server and the reader buffer, so the reader is mid-body when the server goes.
  body = Buffer.from(Array.from({ length: 1_500_000 }, (_, i) => `imp-${i},${i % 7},${i % 2}\n`).join(''));
  await store.put(BIG, body);
}, 120_000);
afterAll(async () => {
  await gcs?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it(
  'fails a read whose server went away mid-body after the default stall time, naming the object; the store works again once the server is back',
  { timeout: 120_000 },
  async () => {
    expect(loadConfig({}).GCS_READ_STALL_SECONDS * 1000).toBe(DEFAULT_READ_STALL_MS);
    const store = storeWith();
    let received = 0;
    const started = Date.now();
    const read = (async () => {
      for await (const chunk of store.getStream(BIG)) {
        received += (chunk as Buffer).length;
        if (received > 1_000_000 && gcs) {
          const stopping = gcs.stop();
          gcs = undefined as unknown as FakeGcsServer;
          await stopping;
        }
      }
    })();
    await expect(read).rejects.toThrow(StalledReadError);
    await expect(read).rejects.toThrow(`reading gs://stalls/${BIG}: no bytes for 20 s while waiting for them`);
    expect(received).toBeLessThan(body.length);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEFAULT_READ_STALL_MS);

    gcs = await startGcs();
    expect(sha(await store.get(BIG))).toBe(sha(body));
  },
);

it('never fails a slow reader: one that waits three stall times between chunks reads every byte', { timeout: 60_000 }, async () => {
  const store = storeWith(500);
  const chunks: Buffer[] = [];
  let pauses = 0;
  for await (const chunk of store.getStream(BIG)) {
    chunks.push(chunk as Buffer);
    if (pauses < 3) {
      pauses += 1;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
  expect(sha(Buffer.concat(chunks))).toBe(sha(body));
});

it('still names a missing object as not found, on both read paths', async () => {
  const store = storeWith();
  await expect(store.get('missing.csv')).rejects.toThrow(BlobNotFoundError);
  const read = async () => {
    for await (const chunk of store.getStream('missing.csv')) void chunk;
  };
  await expect(read()).rejects.toThrow(BlobNotFoundError);
});
