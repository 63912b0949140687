// CPU time a process has used, from Linux's /proc: its main thread's and all its threads' together. Per
// request, it shows what serving costs even when other jobs on the machine make the req/s figures swing.
import fs from 'node:fs/promises';

export interface ProcessCpu {
  /** Microseconds of user + system time. */
  mainThread: number;
  allThreads: number;
}

// /proc/<pid>/task/<tid>/stat counts in clock ticks, 100 a second on Linux.
const MICROSECONDS_PER_TICK = 10_000;

/** undefined where there is no /proc (not Linux). */
export async function processCpu(pid: number): Promise<ProcessCpu | undefined> {
  const tasks = await fs.readdir(`/proc/${pid}/task`).catch(() => undefined);
  if (!tasks) return undefined;
  const cpu = { mainThread: 0, allThreads: 0 };
  for (const task of tasks) {
    const stat = await fs.readFile(`/proc/${pid}/task/${task}/stat`, 'utf8').catch(() => undefined);
    if (!stat) continue;
    // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    cpu.allThreads += ticks * MICROSECONDS_PER_TICK;
    if (Number(task) === pid) cpu.mainThread += ticks * MICROSECONDS_PER_TICK;
  }
  return cpu;
}
