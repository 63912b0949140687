// Asks a pipeline worker and a training worker to prove they reach the bucket and TensorFlow.
import { proxyActivities } from '@temporalio/workflow';
import type { createStackCheckActivities } from '../activities/stack-check';
import type { StackReport } from '../activities/stack-check';

type StackActivities = ReturnType<typeof createStackCheckActivities>;

export async function stackCheck(queues: { pipeline: string; training: string }): Promise<StackReport[]> {
  const options = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 3 } } as const;
  const onPipeline = proxyActivities<StackActivities>({ ...options, taskQueue: queues.pipeline });
  const onTraining = proxyActivities<StackActivities>({ ...options, taskQueue: queues.training });
  return Promise.all([onPipeline.checkStack(), onTraining.checkStack()]);
}
