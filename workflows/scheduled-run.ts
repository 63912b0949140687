// What the monthly Schedule starts: works out the month just ended from the scheduled time and runs
// the pipeline for it under the month's own workflow id, so a manual run of that month and the
// scheduled one can never run side by side.
import { executeChild, workflowInfo } from '@temporalio/workflow';
import { monthBefore } from '../core/features/month';
import type { PipelineSettings } from '../core/pipeline/settings';
import { monthlyPipeline, type PipelineProgress } from './monthly-pipeline';
import { pipelineWorkflowId } from './ids';

export async function scheduledMonthlyRun(settings: PipelineSettings): Promise<PipelineProgress> {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  const at = scheduled ? new Date(scheduled as string | Date) : info.startTime;
  const month = monthBefore(at);
  return executeChild(monthlyPipeline, {
    workflowId: pipelineWorkflowId(month),
    args: [{ month, settings }],
    // The month's run should finish even if this trigger is terminated.
    parentClosePolicy: 'ABANDON',
  });
}
