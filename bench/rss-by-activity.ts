// Which activity holds a worker's memory: the worker's RSS sampled while a run goes, and each sample
// laid against the activities the run's history (core/temporal/activity-intervals.ts) says were running then.
import fs from 'node:fs/promises';
import type { ActivityInterval } from '../core/temporal/activity-intervals';

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

/** Per activity name: the highest RSS sampled while one of its executions ran (overlapping activities share samples). */
export function peakRssByActivity(samples: Sample[], intervals: ActivityInterval[]): Map<string, number> {
  const peaks = new Map<string, number>();
  for (const { activity, from, to } of intervals) {
    for (const sample of samples) {
      if (sample.at < from || sample.at > to) continue;
      peaks.set(activity, Math.max(peaks.get(activity) ?? 0, sample.rssMb));
    }
  }
  return peaks;
}
