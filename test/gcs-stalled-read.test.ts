// Reads from a GCS API that goes away in the middle of a body: the client library's stream then neither ends
// nor errors, so without a guard an ingest, a transform or a model load waits forever. The guard fails such a
// read with its own reason after GCS_STALL_SECONDS (its default here), and never fails a reader that is
// merely slow. A real fake-gcs-server on a file backend, stopped mid-read and started again.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../core/config';
import { BlobNotFoundError } from '../core/storage/blob-store';
import { DEFAULT_STALL_MS } from '../core/storage/gcs-store';
import { StalledReadError, StalledWriteError } from '../core/storage/stall-guard';
import { startOwnGcs, type OwnGcs } from './helpers/own-gcs';

const BIG = 'big.csv';
let gcs: OwnGcs;
let body: Buffer;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  gcs = await startOwnGcs('stalled-read');
  const store = await gcs.store('stalls');
  // Far more than the sockets between the server and the reader buffer, so the reader is mid-body when the server goes.
  body = Buffer.from(Array.from({ length: 1_500_000 }, (_, i) => `imp-${i},${i % 7},${i % 2}\n`).join(''));
  await store.put(BIG, body);
}, 120_000);
afterAll(async () => gcs?.remove());

it(
  'fails a read whose server went away mid-body after the default stall time, naming the object; the store works again once the server is back',
  { timeout: 120_000 },
  async () => {
    expect(loadConfig({}).GCS_STALL_SECONDS * 1000).toBe(DEFAULT_STALL_MS);
    const store = await gcs.store('stalls');
    let received = 0;
    let stopped = false;
    const started = Date.now();
    const read = (async () => {
      for await (const chunk of store.getStream(BIG)) {
        received += (chunk as Buffer).length;
        if (received > 1_000_000 && !stopped) {
          stopped = true;
          await gcs.stop();
        }
      }
    })();
    await expect(read).rejects.toThrow(StalledReadError);
    await expect(read).rejects.toThrow(`reading gs://stalls/${BIG}: no bytes for 20 s while waiting for them`);
    expect(received).toBeLessThan(body.length);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEFAULT_STALL_MS);

    await gcs.start();
    expect(sha(await store.get(BIG))).toBe(sha(body));
  },
);

it('never fails a slow reader: one that waits three stall times between chunks reads every byte', { timeout: 60_000 }, async () => {
  const store = await gcs.store('stalls', { stallMs: 2000 });
  const chunks: Buffer[] = [];
  let pauses = 0;
  for await (const chunk of store.getStream(BIG)) {
    chunks.push(chunk as Buffer);
    if (pauses < 3) {
      pauses += 1;
      await new Promise((resolve) => setTimeout(resolve, 6000));
    }
  }
  expect(sha(Buffer.concat(chunks))).toBe(sha(body));
});

it('still names a missing object as not found, on both read paths', async () => {
  const store = await gcs.store('stalls');
  await expect(store.get('missing.csv')).rejects.toThrow(BlobNotFoundError);
  const read = async () => {
    for await (const chunk of store.getStream('missing.csv')) void chunk;
  };
  await expect(read()).rejects.toThrow(BlobNotFoundError);
});

it('fails an upload the bucket stops answering mid-body after the default stall time, naming the object', { timeout: 120_000 }, async () => {
  const store = await gcs.store('stalls');
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= 64 * 1024 * 1024) return this.push(null);
      if (sent >= 8 * 1024 * 1024) gcs.freeze();
      sent += 256 * 1024;
      setTimeout(() => this.push(Buffer.alloc(256 * 1024, 7)), 1);
    },
  });
  const started = Date.now();
  try {
    await expect(store.put('frozen.bin', body)).rejects.toThrow(StalledWriteError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEFAULT_STALL_MS);
  } finally {
    gcs.thaw();
  }
  expect(await store.stat('frozen.bin')).toBeUndefined();
});

it('fails a one-request upload or a metadata request that gets no answer, and never fails a slow writer', { timeout: 240_000 }, async () => {
  const quick = await gcs.store('stalls', { stallMs: 2000 });
  gcs.freeze();
  try {
    // The client's own request timeout or the upload guard, whichever ends it first, names the object.
    await expect(quick.put('small.json', '{"a":1}')).rejects.toThrow(/small\.json/);
  } finally {
    gcs.thaw();
  }
  gcs.freeze();
  try {
    await expect(quick.stat('slow.bin')).rejects.toThrow(/network timeout/);
  } finally {
    gcs.thaw();
  }
  // A writer that gives a chunk every 3 stall times: the upload waits on it, not on the bucket.
  const chunks = Array.from({ length: 4 }, (_, i) => Buffer.alloc(100_000, i));
  const slow = Readable.from(
    (async function* () {
      for (const chunk of chunks) {
        await new Promise((resolve) => setTimeout(resolve, 6000));
        yield chunk;
      }
    })(),
  );
  await quick.put('slow.bin', slow);
  expect(sha(await quick.get('slow.bin'))).toBe(sha(Buffer.concat(chunks)));
});
