// A worker process that cannot start (no usable GPU, Temporal unreachable, bad settings) says why in
// one log line and exits 1, instead of an unhandled-rejection stack trace.
import { log } from '../core/log';
import { startWorkers, type WorkerKind } from './run-workers';

export async function runWorkerProcess(kinds: WorkerKind[]): Promise<void> {
  let started;
  try {
    started = await startWorkers(kinds);
  } catch (error) {
    log.error('worker could not start', { kinds, error: (error as Error).message });
    process.exit(1);
  }
  await started.done;
}
