// When each activity of a run ran, read from its history and its child workflows' histories: for
// benchmarks that attribute a worker's memory to activities, and tests that count activities in flight.
import type { Client } from '@temporalio/client';

export interface ActivityInterval {
  activity: string;
  from: number;
  to: number;
}

type EventTime = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const millis = (time: EventTime) => (time ? Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6 : 0);

/** When each activity of a workflow and of every child workflow it started ran (start of its last attempt to its end). */
export async function activityIntervals(client: Client, workflowId: string): Promise<ActivityInterval[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const names = new Map<string, string>();
  const starts = new Map<string, number>();
  const intervals: ActivityInterval[] = [];
  const children: string[] = [];
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      names.set(id, scheduled.activityType?.name ?? '?');
      starts.set(id, millis(event.eventTime as EventTime));
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) starts.set(String(started.scheduledEventId), millis(event.eventTime as EventTime));
    const ended =
      event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes ?? undefined;
    if (ended) {
      const key = String(ended.scheduledEventId);
      intervals.push({ activity: names.get(key)!, from: starts.get(key)!, to: millis(event.eventTime as EventTime) });
    }
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) children.push(child);
  }
  for (const child of children) intervals.push(...(await activityIntervals(client, child)));
  return intervals;
}

export interface ActivitySpan {
  activity: string;
  count: number;
  /** From the first one's start to the last one's end: parts that run side by side count once. */
  seconds: number;
}

/** Each activity type's wall time across all its runs, in the order they first started. */
export function activitySpans(intervals: readonly ActivityInterval[]): ActivitySpan[] {
  const byActivity = new Map<string, { count: number; from: number; to: number }>();
  for (const { activity, from, to } of [...intervals].sort((a, b) => a.from - b.from)) {
    const span = byActivity.get(activity) ?? { count: 0, from, to };
    span.count += 1;
    span.to = Math.max(span.to, to);
    byActivity.set(activity, span);
  }
  return [...byActivity].map(([activity, { count, from, to }]) => ({ activity, count, seconds: (to - from) / 1000 }));
}
