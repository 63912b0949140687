// Starts one real Temporal dev server and one real fake-gcs-server for the whole test run, on free
// loopback ports, and stops them afterwards (they also die with this process if it is killed).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startFakeGcsServer } from '../devstack/fake-gcs-server';
import { freePort } from '../devstack/processes';
import { startTemporalDevServer } from '../devstack/temporal-dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    gcsEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-test-stack-'));
  const [temporal, gcs] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ port, logFile: path.join(dir, 'temporal.log') })),
    freePort().then((port) => startFakeGcsServer({ port, logFile: path.join(dir, 'fake-gcs-server.log') })),
  ]);
  project.provide('temporalAddress', temporal.address);
  project.provide('gcsEndpoint', gcs.endpoint);
  console.log(`[test stack] real Temporal dev server at ${temporal.address}; real GCS API (fake-gcs-server) at ${gcs.endpoint}; logs in ${dir}`);
  return async () => {
    await Promise.all([temporal.stop(), gcs.stop()]);
    await fs.rm(dir, { recursive: true, force: true });
  };
}
