// Which activity holds a worker's memory: the worker's RSS sampled while a run goes, and each sample
// laid against the activities the run's history (and its child workflows') says were running then.
import fs from 'node:fs/promises';
import type { Client } from '@temporalio/client';

interface Sample {
  at: number;
  rssMb: number;
}

/** Samples a process's resident memory every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 200): { stop: () => Sample[] } {
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    fs.readFile(`/proc/${pid}/status`, 'utf8')
      .then((status) => samples.push({ at: Date.now(), rssMb: Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024 }))
      .catch(() => undefined);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

interface Interval {
  activity: string;
  from: number;
  to: number;
}

type EventTime = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const millis = (time: EventTime) => (time ? Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6 : 0);

/** When each activity of a workflow and of every child workflow it started ran (start of its last attempt to its end). */
export async function activityIntervals(client: Client, workflowId: string): Promise<Interval[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const names = new Map<string, string>();
  const starts = new Map<string, number>();
  const intervals: Interval[] = [];
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

/** Per activity name: the highest RSS sampled while one of its executions ran (overlapping activities share samples). */
export function peakRssByActivity(samples: Sample[], intervals: Interval[]): Map<string, number> {
  const peaks = new Map<string, number>();
  for (const { activity, from, to } of intervals) {
    for (const sample of samples) {
      if (sample.at < from || sample.at > to) continue;
      peaks.set(activity, Math.max(peaks.get(activity) ?? 0, sample.rssMb));
    }
  }
  return peaks;
}
