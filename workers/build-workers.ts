// Builds the two kinds of worker; the entry points and tests share this so set-up exists once.
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createPipelineActivities, createTrainingActivities, type ActivityDeps } from '../activities';

// Heartbeats reach Temporal within seconds (the SDK otherwise holds them up to 80% of the heartbeat
// timeout): cancellation arrives quickly and a retry sees the latest checkpoint.
const HEARTBEAT_THROTTLE = '2 seconds';

const DEFAULT_PIPELINE_ACTIVITIES = 8;

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerSetup extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Pre-bundled workflow code (tests bundle once); defaults to bundling workflowsPath. */
  workflowBundle?: WorkflowBundleOption;
  shutdownGraceSeconds?: number;
  /** Pipeline worker: activities at once (each holds at most one part, shard or chunk of a month). */
  maxActivities?: number;
}

/** Runs the workflows and the data activities (ingest, validate, transform, evaluate, promote). */
export function buildPipelineWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath }),
    activities: createPipelineActivities(setup),
    // The SDK's default (100) would let a big month's parts and id shards all load at once in one process.
    maxConcurrentActivityTaskExecutions: setup.maxActivities ?? DEFAULT_PIPELINE_ACTIVITIES,
    shutdownGraceTime: `${setup.shutdownGraceSeconds ?? 30}s`,
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
  });
}

/** Runs only training activities, one at a time: a training job wants the whole GPU. */
export function buildTrainingWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities: createTrainingActivities(setup),
    maxConcurrentActivityTaskExecutions: 1,
    shutdownGraceTime: `${setup.shutdownGraceSeconds ?? 30}s`,
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
  });
}
