// The one place tests get real stores, Temporal clients and workers against the shared test stack.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { GcsStore } from '../../core/storage/gcs-store';
import { LocalStore } from '../../core/storage/local-store';
import type { BlobStore } from '../../core/storage/blob-store';
import { buildPipelineWorker, buildTrainingWorker, workflowsPath } from '../../workers/build-workers';

/** A fresh, empty bucket on the test GCS API server. */
export async function freshGcsStore(): Promise<GcsStore> {
  const store = new GcsStore({ bucket: `test-${randomUUID()}`, apiEndpoint: inject('gcsEndpoint'), projectId: 'adclick-test' });
  await store.ensureBucket();
  return store;
}

/** A fresh, empty directory store. */
export async function freshLocalStore(): Promise<LocalStore> {
  return new LocalStore(await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-store-')));
}

let bundle: Promise<{ code: string }> | undefined;

export interface TestStack {
  client: Client;
  queues: { pipeline: string; training: string };
  stop(): Promise<void>;
}

/** A client plus one pipeline worker and (unless told not to) one training worker on fresh task queues, all running. */
export async function startWorkers(
  store: BlobStore,
  options: { training?: boolean; temporalAddress?: string; datasetShardBytes?: number; datasetMemoryBytes?: number; pipelineActivities?: number } = {},
): Promise<TestStack> {
  const address = options.temporalAddress ?? inject('temporalAddress');
  const connection = await NativeConnection.connect({ address });
  const queues = { pipeline: `pipeline-${randomUUID()}`, training: `training-${randomUUID()}` };
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger });
  const workflowBundle = await bundle;
  const { datasetShardBytes, datasetMemoryBytes } = options;
  const common = { connection, namespace: 'default', store, workflowBundle, shutdownGraceSeconds: 2, datasetShardBytes, datasetMemoryBytes };
  const workers: Worker[] = [await buildPipelineWorker({ ...common, taskQueue: queues.pipeline, maxActivities: options.pipelineActivities })];
  if (options.training !== false) workers.push(await buildTrainingWorker({ ...common, taskQueue: queues.training }));
  const running = workers.map((worker) => worker.run());
  const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
  return {
    client,
    queues,
    async stop() {
      workers.forEach((worker) => worker.shutdown());
      await Promise.all(running);
      await client.connection.close();
      await connection.close();
    },
  };
}

/** One more training worker on an existing queue (e.g. to take over from one that died). */
export async function startTrainingWorker(store: BlobStore, taskQueue: string): Promise<{ stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await buildTrainingWorker({ connection, namespace: 'default', store, taskQueue, shutdownGraceSeconds: 2 });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
