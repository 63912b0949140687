// Starts workers as a process: config, TensorFlow backend, store, Temporal connection, then runs
// until SIGINT/SIGTERM, letting in-flight activities finish within the shutdown grace time.
import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../core/config';
import { log } from '../core/log';
import { LocalStore } from '../core/storage/local-store';
import { openStore } from '../core/storage/open-store';
import { connectClient, ensureSearchAttributes, temporalAddress } from '../core/temporal/connect';
import { initTensorFlow } from '../core/tf/backend';
import { buildPipelineWorker, buildTrainingWorker } from './build-workers';
import { installWorkerRuntime } from './worker-runtime';
import { mallocArenasWarning } from './malloc-arenas';

export type WorkerKind = 'pipeline' | 'training';

export async function startWorkers(kinds: WorkerKind[], config: Config = loadConfig()): Promise<{ workers: Worker[]; done: Promise<void> }> {
  installWorkerRuntime({ metricsAddress: config.WORKER_METRICS_ADDRESS || undefined });
  const backend = await initTensorFlow(config.TF_BACKEND);
  const store = await openStore(config);
  if (store instanceof LocalStore) {
    const removed = await store.sweepOrphanedTemporaries();
    if (removed > 0) log.info('removed temp files of writers that died mid-write', { removed, store: store.url });
  }
  const address = temporalAddress(config);
  const client = await connectClient({ address, namespace: config.TEMPORAL_NAMESPACE });
  await ensureSearchAttributes(client);
  await client.connection.close();
  const connection = await NativeConnection.connect({ address });
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    store,
    shutdownGraceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
    datasetShardBytes: config.DATASET_SHARD_BYTES,
    datasetMemoryBytes: config.TRAIN_DATASET_MEMORY_BYTES,
  };
  const workers: Worker[] = [];
  if (kinds.includes('pipeline'))
    workers.push(await buildPipelineWorker({ ...common, taskQueue: config.PIPELINE_TASK_QUEUE, maxActivities: config.PIPELINE_WORKER_ACTIVITIES }));
  if (kinds.includes('training')) workers.push(await buildTrainingWorker({ ...common, taskQueue: config.TRAINING_TASK_QUEUE }));
  const arenasWarning = mallocArenasWarning(process.env);
  if (arenasWarning) log.warn(arenasWarning);
  log.info('workers running', {
    ...{ kinds, temporal: address, namespace: config.TEMPORAL_NAMESPACE, store: store.url, tensorflow: backend },
    mallocArenas: process.env.MALLOC_ARENA_MAX ?? 'glibc default',
  });
  const done = Promise.all(workers.map((w) => w.run())).then(() => connection.close());
  return { workers, done };
}
