// A GCS API server of a test's own, on a file backend, that the test can stop and start again on the same
// port: it comes back with its objects, like the service after an outage. Clients reach it through a proxy
// that can freeze: it keeps every connection open and forwards nothing, as a network partition does.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GcsStore } from '../../core/storage/gcs-store';
import { startFakeGcsServer, type FakeGcsServer } from '../../devstack/fake-gcs-server';
import { freePort } from '../../devstack/processes';

export interface OwnGcs {
  readonly endpoint: string;
  /** A store on one of its buckets (created), with the product's defaults unless told. */
  store(bucket: string, options?: { stallMs?: number }): Promise<GcsStore>;
  /** Stops the server, as an outage begins; its objects stay on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** From now on the proxy forwards nothing either way, on open connections and new ones; thaw() undoes it. */
  freeze(): void;
  thaw(): void;
  /** Stops it if it runs, closes the proxy, and removes its files. */
  remove(): Promise<void>;
}

export async function startOwnGcs(name: string): Promise<OwnGcs> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `adclick-${name}-`));
  await fs.mkdir(path.join(dir, 'objects'));
  const port = await freePort();
  const start = () => startFakeGcsServer({ port, dataDir: path.join(dir, 'objects'), logFile: path.join(dir, 'gcs.log') });
  let server: FakeGcsServer | undefined = await start();
  let frozen = false;
  const proxy = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    // Bytes that arrive while frozen are swallowed, as by a middlebox that lost the route.
    client.on('data', (bytes) => void (frozen || upstream.write(bytes)));
    upstream.on('data', (bytes) => void (frozen || client.write(bytes)));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      a!.on('error', () => b!.destroy());
      a!.on('close', () => b!.destroy());
    }
  });
  const proxyPort = await freePort();
  await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${proxyPort}`;
  return {
    endpoint,
    async store(bucket, options = {}) {
      const store = new GcsStore({ bucket, apiEndpoint: endpoint, projectId: 'adclick-test', stallMs: options.stallMs });
      await store.ensureBucket();
      return store;
    },
    async stop() {
      const running = server;
      server = undefined;
      await running?.stop();
    },
    async start() {
      server ??= await start();
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
    },
    async remove() {
      const closed = new Promise((resolve) => proxy.close(resolve));
      await server?.stop();
      server = undefined;
      await closed;
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
