// The data activities' timeout and retry class, shared by the monthly pipeline and its ingest child.
import { proxyActivities } from '@temporalio/workflow';
import type { createPipelineActivities } from '../activities';

export type PipelineActivities = ReturnType<typeof createPipelineActivities>;

export const data = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  // Every data activity heartbeats at least once a second while it works: a dead worker costs seconds.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});
