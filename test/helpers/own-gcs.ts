// A GCS API server of a test's own, on a file backend, that the test can stop and start again on the same
// port: it comes back with its objects, like the service after an outage.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GcsStore } from '../../core/storage/gcs-store';
import { startFakeGcsServer, type FakeGcsServer } from '../../devstack/fake-gcs-server';
import { freePort } from '../../devstack/processes';

export interface OwnGcs {
  readonly endpoint: string;
  /** A store on one of its buckets (created), with the product's defaults unless told. */
  store(bucket: string, options?: { readStallMs?: number }): Promise<GcsStore>;
  /** Stops the server, as an outage begins; its objects stay on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it if it runs, and removes its files. */
  remove(): Promise<void>;
}

export async function startOwnGcs(name: string): Promise<OwnGcs> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `adclick-${name}-`));
  await fs.mkdir(path.join(dir, 'objects'));
  const port = await freePort();
  const start = () => startFakeGcsServer({ port, dataDir: path.join(dir, 'objects'), logFile: path.join(dir, 'gcs.log') });
  let server: FakeGcsServer | undefined = await start();
  const endpoint = server.endpoint;
  return {
    endpoint,
    async store(bucket, options = {}) {
      const store = new GcsStore({ bucket, apiEndpoint: endpoint, projectId: 'adclick-test', readStallMs: options.readStallMs });
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
    async remove() {
      await server?.stop();
      server = undefined;
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
