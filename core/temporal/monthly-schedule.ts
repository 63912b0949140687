// The Temporal Schedule that runs the pipeline monthly: idempotent creation (a second create updates
// it to match), overlap policy skip, an explicit catch-up window, backfill of months, pause/unpause.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { addMonths, monthRange } from '../features/month';
import type { PipelineSettings } from '../pipeline/settings';

export interface MonthlyScheduleOptions {
  scheduleId: string;
  /** When runs start, e.g. '0 6 1 * *': 06:00 UTC on the 1st; each run processes the month before. */
  cron: string;
  catchupWindowDays: number;
  taskQueue: string;
  settings: PipelineSettings;
}

function scheduleBody(options: MonthlyScheduleOptions) {
  return {
    spec: { cronExpressions: [options.cron] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'scheduledMonthlyRun',
      args: [options.settings],
      taskQueue: options.taskQueue,
      workflowId: `${options.scheduleId}-trigger`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${options.catchupWindowDays} days`, pauseOnFailure: false },
  };
}

/** Creates the schedule, or brings an existing one in line with these options. */
export async function ensureMonthlySchedule(client: Client, options: MonthlyScheduleOptions): Promise<{ created: boolean; handle: ScheduleHandle }> {
  const body = scheduleBody(options);
  try {
    const handle = await client.schedule.create({ scheduleId: options.scheduleId, ...body, state: { note: 'created by the adclick schedule command' } });
    return { created: true, handle };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(options.scheduleId);
    await handle.update((previous) => ({ ...previous, spec: body.spec, action: body.action, policies: { ...previous.policies, ...body.policies } }));
    return { created: false, handle };
  }
}

/**
 * Runs the schedule's action once for each month in [from, to], oldest first and one at a time
 * (validation compares each month with the one before, so order matters).
 */
export async function backfillMonths(handle: ScheduleHandle, from: string, to: string): Promise<void> {
  if (monthRange(from).from > monthRange(to).from) throw new Error(`Backfill range is empty: ${from} is after ${to}`);
  // A month is processed by the run scheduled in the month after it.
  const start = new Date(monthRange(addMonths(from, 1)).from);
  const end = new Date(monthRange(addMonths(to, 2)).from - 1);
  await handle.backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
}

export function summarizeSchedule(description: ScheduleDescription) {
  return {
    scheduleId: description.scheduleId,
    paused: description.state.paused,
    note: description.state.note,
    calendars: description.spec.calendars,
    overlap: description.policies.overlap,
    catchupWindowMs: description.policies.catchupWindow,
    nextRuns: description.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentRuns: description.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId })),
  };
}
